using Portable.Core.Functions;
using Portable.Core.Http;
using Portable.Core.Invocation;
using Portable.Gcp.Triggers;
using Portable.Hosting;

namespace Portable.Gcp.Events;

/// <summary>
/// CloudEvent functions on Cloud Run: a request in any form <see cref="CloudEventReader"/> reads (binary, structured,
/// legacy) in as one <see cref="CloudEvent"/>, through the <see cref="InvocationEngine"/>, and the outcome out as the
/// status Eventarc reads. Each function answers at <c>/{functionName}</c>, or at every path when <c>FUNCTION_TARGET</c>
/// names it (as the Functions Framework serves it). POST only (405 otherwise); 204 once the handler returned; 500 when
/// it threw or ran past its deadline (Eventarc retries when the trigger has retries on); 400 with a JSON error body for
/// a request that is no CloudEvent, as FF-dotnet answers a failed conversion; 413 past <see cref="MaxBodyBytes"/>.
/// </summary>
internal sealed partial class CloudEventMapper : CloudRunTriggerMapper<CloudEventTrigger>
{
    /// <summary>The largest body read: Cloud Run refuses HTTP/1 request bodies over 32 MiB (Cloud Run quotas).</summary>
    public const int MaxBodyBytes = 32 * 1024 * 1024;

    /// <inheritdoc />
    public override string Description => "CloudEvent (Eventarc binary or structured mode, or a legacy event, POST /{function})";

    /// <summary>Runs one event for <paramref name="function"/> and answers with the status Eventarc reads.</summary>
    public static async Task HandleAsync(HttpContext context, InvocationInfo info, InvocationEngine engine, FunctionDefinition function, ILogger log)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(engine);
        ArgumentNullException.ThrowIfNull(function);
        var request = context.Request;
        if (!HttpMethods.IsPost(request.Method))
        {
            await WriteAsync(context, PortableHttpResponse.Error(405, $"CloudEvent function '{function.Name}' takes events: POST only.", headers: HeaderMap.Empty.With("Allow", "POST"))).ConfigureAwait(false);
            return;
        }

        var body = await AspNetCoreBridge.ReadBodyAsync(request.Body, request.ContentLength, MaxBodyBytes, context.RequestAborted).ConfigureAwait(false);
        if (body.Length > MaxBodyBytes)
        {
            await WriteAsync(context, PortableHttpResponse.Error(413, $"The event is larger than {MaxBodyBytes} bytes.")).ConfigureAwait(false);
            return;
        }

        if (!CloudEventReader.TryRead(request.ContentType, request.Headers, body.Span, request.Path.Value, out var cloudEvent, out var format, out var error))
        {
            LogMalformed(log, function.Name, error);
            await WriteAsync(context, PortableHttpResponse.Error(400, error)).ConfigureAwait(false);
            return;
        }

        LogReceived(log, function.Name, cloudEvent.Type, cloudEvent.Id, format);
        var outcome = await engine.InvokeAsync<Outcome, Settler>(function, cloudEvent, info, deliveryCount: 1, feature: null, new Settler(log), context.RequestAborted).ConfigureAwait(false);
        await WriteAsync(context, outcome.Failure is null
            ? PortableHttpResponse.Empty(204)
            : PortableHttpResponse.Error(500, outcome.Failure, new Dictionary<string, string> { ["id"] = cloudEvent.Id })).ConfigureAwait(false);
    }

    /// <inheritdoc />
    protected override IEnumerable<CloudRunRoute> Bind(IReadOnlyList<(FunctionDefinition Function, CloudEventTrigger Trigger)> functions, IServiceProvider services, ILogger log)
    {
        var engine = services.GetRequiredService<InvocationEngine>();
        return [.. functions.Select(f => CloudRunRoute.AtFunctionPath(f.Function, (context, info) => HandleAsync(context, info, engine, f.Function, log)))];
    }

    private static ValueTask WriteAsync(HttpContext context, PortableHttpResponse response) => AspNetCoreBridge.WriteResponseAsync(context, response);

    [LoggerMessage(EventId = 3103, Level = LogLevel.Warning, Message = "Refused an event for {FunctionName} with 400: {Error}")]
    private static partial void LogMalformed(ILogger logger, string functionName, string error);

    [LoggerMessage(EventId = 3104, Level = LogLevel.Debug, Message = "CloudEvent {Type} {Id} for {FunctionName} ({Format})")]
    private static partial void LogReceived(ILogger logger, string functionName, string type, string id, CloudEventFormat format);

    [LoggerMessage(EventId = 3105, Level = LogLevel.Error, Message = "CloudEvent {Id} failed in {FunctionName} (invocation {InvocationId})")]
    private static partial void LogFailed(ILogger logger, Exception exception, string functionName, string id, string invocationId);

    /// <summary>What became of one event: null <see cref="Failure"/> when the handler returned.</summary>
    private readonly record struct Outcome(string? Failure);

    private readonly struct Settler(ILogger log) : IInvocationSettler<Outcome>
    {
        public Outcome Completed(FunctionContext context) => new(null);

        public Outcome Faulted(FunctionContext context, Exception exception)
        {
            LogFailed(log, exception, context.FunctionName, ((CloudEvent)context.Input).Id, context.InvocationId);
            return new($"{exception.GetType().Name}: {exception.Message}");
        }

        public Outcome TimedOut(FunctionContext context) => new("The function did not finish before its deadline.");

        public string OutcomeOf(Outcome result) => result.Failure is null ? "Success" : "Error";
    }
}
