using Microsoft.Extensions.Logging;

namespace Portable.Core.Functions;

/// <summary>
/// Everything a handler may know about the invocation it serves, filled by the invocation engine from what the
/// host received: identity, deadline, trace context, delivery count, logger, services and typed features. It never
/// carries a cloud type.
/// </summary>
public sealed class FunctionContext
{
    /// <summary>The platform's id for this invocation (Lambda request id, Functions invocation id, …).</summary>
    public required string InvocationId { get; init; }

    /// <summary>The function being invoked, with its trigger.</summary>
    public required FunctionDefinition Function { get; init; }

    /// <summary>The function's name in the manifest.</summary>
    public string FunctionName => Function.Name;

    /// <summary>Which host received the invocation.</summary>
    public required CloudProvider Cloud { get; init; }

    /// <summary>When the platform will stop waiting for this invocation; <c>null</c> when it gives none.</summary>
    public DateTimeOffset? Deadline { get; init; }

    /// <summary>The W3C <c>traceparent</c> of the caller, when there is one.</summary>
    public string? TraceParent { get; init; }

    /// <summary>The platform's own trace header (X-Ray <c>Root=…</c>, <c>X-Cloud-Trace-Context</c>), when there is one.</summary>
    public string? PlatformTraceId { get; init; }

    /// <summary>True for the first invocation this process serves, whatever its trigger.</summary>
    public bool IsColdStart { get; init; }

    /// <summary>How many times the platform has delivered this input, counting this one (1 for HTTP).</summary>
    public int DeliveryCount { get; init; } = 1;

    /// <summary>A logger named after the function (<c>Portable.Functions.{name}</c>), made once per host.</summary>
    public required ILogger Logger { get; init; }

    /// <summary>The host's service provider (singletons built once per process).</summary>
    public required IServiceProvider Services { get; init; }

    /// <summary>The clock every handler and middleware reads.</summary>
    public required TimeProvider TimeProvider { get; init; }

    /// <summary>Cancelled when the deadline passes or the caller goes away.</summary>
    public CancellationToken CancellationToken { get; init; }

    /// <summary>
    /// The neutral input: a <see cref="Http.PortableHttpRequest"/> for HTTP functions, an
    /// <see cref="Messaging.IncomingMessage"/> for queue functions, a <see cref="Schedules.ScheduledInvocation"/> for
    /// scheduled ones, a <see cref="Storage.ObjectCreated"/> for storage ones.
    /// </summary>
    public required object Input { get; init; }

    /// <summary>The neutral result the handler (or a middleware short-circuiting it) produced.</summary>
    public object? Result { get; set; }

    /// <summary>Typed per-invocation features: the matched <see cref="Http.RouteMatch"/>, and what triggers add.</summary>
    public InvocationFeatures Features { get; } = new();

    /// <summary>Free-form per-invocation state a user's middleware may share.</summary>
    public IDictionary<string, object?> Items => _items ??= new Dictionary<string, object?>(StringComparer.Ordinal);

    private Dictionary<string, object?>? _items;

    /// <summary>Time left before <see cref="Deadline"/>, or <c>null</c> when there is no deadline.</summary>
    public TimeSpan? RemainingTime => Deadline is { } deadline ? deadline - TimeProvider.GetUtcNow() : null;
}
