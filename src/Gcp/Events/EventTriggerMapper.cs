using Portable.Core.Events;
using Portable.Core.Functions;
using Portable.Core.Http;
using Portable.Core.Invocation;
using Portable.Core.Messaging;
using Portable.Gcp.Triggers;
using Portable.Hosting;

namespace Portable.Gcp.Events;

/// <summary>
/// Event functions on Cloud Run. Each rule of the manifest is one Eventarc trigger on the app's event topic
/// (<see cref="Messaging.PubSubEventPublisher"/>), delivering to <c>/_portable/events/{rule}</c> (<see cref="PathOf"/>),
/// or to every path when <c>FUNCTION_TARGET</c> names the function. The request — Eventarc's <c>messagePublished</c>
/// CloudEvent (binary or structured), a plain Pub/Sub push, or a custom CloudEvent — is read by
/// <see cref="EventarcEventReader"/> and run through <see cref="EventInvoker"/>, which applies the rule's full
/// EventBridge pattern (an Eventarc Pub/Sub trigger filters by topic only, so every rule's trigger receives every
/// event) and deduplicates by function and event id. 204 when the event was handled, did not match the rule (nothing
/// runs), was a suppressed duplicate, or was dead-lettered to <c>{rule}-dead-letter</c>; 500 when it must be retried
/// (a transient failure, a timeout, or a dead letter that could not be written), which Pub/Sub nacks and redelivers
/// with backoff; 400 with a JSON error for a request that carries no event, which Pub/Sub treats as a nack too, as the
/// Pub/Sub push mapper does (so it ends in the subscription's dead-letter topic after <c>maxDeliveryAttempts</c>);
/// 405 for anything but POST; 413 past <see cref="CloudEventMapper.MaxBodyBytes"/>.
/// </summary>
internal sealed partial class EventTriggerMapper : CloudRunTriggerMapper<EventTrigger>
{
    /// <summary>The path prefix of every rule's endpoint; under <c>/_portable/</c>, which no HTTP route of an app is expected to use.</summary>
    public const string PathPrefix = "_portable/events/";

    /// <inheritdoc />
    public override string Description => "event (Eventarc messagePublished from the events topic, or a custom CloudEvent, POST /_portable/events/{rule})";

    /// <summary>The path, without its leading slash, where the Eventarc trigger of <paramref name="rule"/> delivers.</summary>
    public static string PathOf(string rule)
    {
        ArgumentException.ThrowIfNullOrEmpty(rule);
        return PathPrefix + rule;
    }

    /// <summary>Runs one delivered event for <paramref name="function"/> and answers with the status that acks or nacks it.</summary>
    public static async Task HandleAsync(HttpContext context, InvocationInfo info, EventInvoker invoker, FunctionDefinition function, EventTrigger trigger, TimeProvider time, ILogger log)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(invoker);
        ArgumentNullException.ThrowIfNull(function);
        ArgumentNullException.ThrowIfNull(trigger);
        var request = context.Request;
        if (!HttpMethods.IsPost(request.Method))
        {
            await WriteAsync(context, PortableHttpResponse.Error(405, $"Event function '{function.Name}' takes Eventarc deliveries: POST only.", headers: HeaderMap.Empty.With("Allow", "POST"))).ConfigureAwait(false);
            return;
        }

        var body = await AspNetCoreBridge.ReadBodyAsync(request.Body, request.ContentLength, CloudEventMapper.MaxBodyBytes, context.RequestAborted).ConfigureAwait(false);
        if (body.Length > CloudEventMapper.MaxBodyBytes)
        {
            await WriteAsync(context, PortableHttpResponse.Error(413, $"The event is larger than {CloudEventMapper.MaxBodyBytes} bytes.")).ConfigureAwait(false);
            return;
        }

        if (!EventarcEventReader.TryRead(request.ContentType, request.Headers, body.Span, trigger.Rule, time, out var @event, out var deliveryCount, out var error))
        {
            LogMalformed(log, function.Name, trigger.Rule, error);
            await WriteAsync(context, PortableHttpResponse.Error(400, error)).ConfigureAwait(false);
            return;
        }

        var delivery = await invoker.InvokeAsync(function, @event, info, deliveryCount, context.RequestAborted).ConfigureAwait(false);
        LogSettled(log, @event.Id, function.Name, delivery.Outcome, delivery.Reason);
        await WriteAsync(context, delivery.Outcome == MessageOutcome.Retry
            ? PortableHttpResponse.Error(500, delivery.Reason ?? "The event must be retried.", new Dictionary<string, string> { ["id"] = @event.Id, ["rule"] = trigger.Rule })
            : PortableHttpResponse.Empty(204)).ConfigureAwait(false);
    }

    /// <inheritdoc />
    protected override IEnumerable<CloudRunRoute> Bind(IReadOnlyList<(FunctionDefinition Function, EventTrigger Trigger)> functions, IServiceProvider services, ILogger log)
    {
        var invoker = services.GetRequiredService<EventInvoker>();
        var time = services.GetRequiredService<TimeProvider>();
        return [.. functions.Select(f => CloudRunRoute.AtPath(PathOf(f.Trigger.Rule), (context, info) => HandleAsync(context, info, invoker, f.Function, f.Trigger, time, log)))];
    }

    private static ValueTask WriteAsync(HttpContext context, PortableHttpResponse response) => AspNetCoreBridge.WriteResponseAsync(context, response);

    [LoggerMessage(EventId = 3401, Level = LogLevel.Warning, Message = "Refused an event for {FunctionName} (rule {Rule}) with 400: {Error}")]
    private static partial void LogMalformed(ILogger logger, string functionName, string rule, string error);

    [LoggerMessage(EventId = 3402, Level = LogLevel.Debug, Message = "Event {Id} for {FunctionName}: {Outcome} {Reason}")]
    private static partial void LogSettled(ILogger logger, string id, string functionName, MessageOutcome outcome, string? reason);
}
