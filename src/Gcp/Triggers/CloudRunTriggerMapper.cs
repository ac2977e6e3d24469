using Portable.Core.Functions;
using Portable.Core.Invocation;
using Portable.Gcp.Events;
using Portable.Gcp.Http;

namespace Portable.Gcp.Triggers;

/// <summary>
/// Steps 2 and 5 of one trigger kind on Cloud Run: how a request for one of its functions becomes the neutral input,
/// and how the outcome is answered. The host picks a mapper from <see cref="Default"/> for each function it serves,
/// once at start-up (<see cref="CloudRunEndpoints.Choose"/>), so a new kind (Eventarc CloudEvents, Cloud Scheduler
/// ticks) is one subclass and one entry in that list.
/// </summary>
internal abstract class CloudRunTriggerMapper
{
    /// <summary>The mappers the host chooses from: HTTP requests, Pub/Sub push deliveries to queue functions and (with ordering keys) to stream functions, Cloud Scheduler calls to schedule functions, Workflows calls to saga step functions, Eventarc deliveries to CloudEvent functions, Cloud Storage events (Eventarc or legacy) to storage functions, Eventarc deliveries of routed events to event functions.</summary>
    public static IReadOnlyList<CloudRunTriggerMapper> Default { get; } = [new HttpRequestMapper(), new PubSubPushMapper(), new PubSubStreamMapper(), new CloudSchedulerMapper(), new SagaStepMapper(), new CloudEventMapper(), new StorageEventMapper(), new EventTriggerMapper()];

    /// <summary>The trigger kind and how requests carry it, in an operator's words (for errors).</summary>
    public abstract string Description { get; }

    /// <summary>True when this mapper serves functions with <paramref name="trigger"/>.</summary>
    public abstract bool CanServe(FunctionTrigger trigger);

    /// <summary>
    /// Binds <paramref name="functions"/> (all of this mapper's kind), resolving what they need from
    /// <paramref name="services"/> once, and says where each answers.
    /// </summary>
    public abstract IEnumerable<CloudRunRoute> Bind(IReadOnlyList<FunctionDefinition> functions, IServiceProvider services, ILogger log);
}

/// <summary>A mapper for one trigger type, <typeparamref name="TTrigger"/>: the type test is made here, once.</summary>
/// <typeparam name="TTrigger">The Core trigger it serves.</typeparam>
internal abstract class CloudRunTriggerMapper<TTrigger> : CloudRunTriggerMapper
    where TTrigger : FunctionTrigger
{
    /// <inheritdoc />
    public sealed override bool CanServe(FunctionTrigger trigger) => trigger is TTrigger;

    /// <inheritdoc />
    public sealed override IEnumerable<CloudRunRoute> Bind(IReadOnlyList<FunctionDefinition> functions, IServiceProvider services, ILogger log)
    {
        ArgumentNullException.ThrowIfNull(functions);
        var typed = new (FunctionDefinition, TTrigger)[functions.Count];
        for (var i = 0; i < typed.Length; i++)
        {
            typed[i] = functions[i].Trigger is TTrigger trigger
                ? (functions[i], trigger)
                : throw new ArgumentException($"Function '{functions[i].Name}' has a {functions[i].Trigger.GetType().Name}, not a {typeof(TTrigger).Name}.", nameof(functions));
        }

        return Bind(typed, services, log);
    }

    /// <summary>Binds <paramref name="functions"/>, each with its <typeparamref name="TTrigger"/>.</summary>
    protected abstract IEnumerable<CloudRunRoute> Bind(IReadOnlyList<(FunctionDefinition Function, TTrigger Trigger)> functions, IServiceProvider services, ILogger log);
}

/// <summary>Answers one request for a bound function (or, for HTTP, for the functions its routes match). Never throws for a handler's fault.</summary>
/// <param name="context">The request and its response.</param>
/// <param name="info">What Cloud Run's headers said about the invocation.</param>
internal delegate Task CloudRunEndpoint(HttpContext context, InvocationInfo info);

/// <summary>Where a bound endpoint answers.</summary>
/// <param name="FunctionName">
/// The path that addresses the function, without its leading slash: <c>/{FunctionName}</c> (the function's name, or
/// for an event function <c>_portable/events/{rule}</c>), or every path when <c>FUNCTION_TARGET</c> names it (as the
/// Functions Framework serves event functions). Null for HTTP functions, which their own routes address.
/// </param>
/// <param name="Endpoint">What answers there.</param>
internal sealed record CloudRunRoute(string? FunctionName, CloudRunEndpoint Endpoint)
{
    /// <summary>An endpoint at <c>/{function}</c>.</summary>
    public static CloudRunRoute AtFunctionPath(FunctionDefinition function, CloudRunEndpoint endpoint) =>
        new((function ?? throw new ArgumentNullException(nameof(function))).Name, endpoint);

    /// <summary>An endpoint at <c>/{path}</c> (one or more segments, no leading slash), such as <c>/_portable/events/{rule}</c>.</summary>
    public static CloudRunRoute AtPath(string path, CloudRunEndpoint endpoint)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        return path[0] == '/' || path[^1] == '/' ? throw new ArgumentException($"'{path}' must not start or end with a slash.", nameof(path)) : new(path, endpoint);
    }

    /// <summary>The endpoint of the HTTP functions, for every request no function path claims.</summary>
    public static CloudRunRoute ByHttpRoutes(CloudRunEndpoint endpoint) => new(null, endpoint);
}
