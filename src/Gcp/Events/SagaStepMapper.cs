using Portable.Core.Functions;
using Portable.Core.Http;
using Portable.Core.Invocation;
using Portable.Core.Sagas;
using Portable.Gcp.Triggers;
using Portable.Hosting;

namespace Portable.Gcp.Events;

/// <summary>
/// A saga's step function on Cloud Run, called by a Google Workflows <c>http.post</c> to <c>/{function}</c> (or to
/// every path when <c>FUNCTION_TARGET</c> names it) with a <see cref="SagaStepRequest"/> as the JSON body. The status
/// is what the workflow's retry predicate and <c>except</c> branch read: 200 <c>{"outcome":"succeeded"}</c>, 422
/// <c>{"outcome":"failed","reason"}</c> (failed for good: compensate), 503 <c>{"outcome":"transient","reason"}</c>
/// (retry per the step's policy); 400 for a body that is not a step request of this saga, 405 for anything but POST.
/// </summary>
internal sealed partial class SagaStepMapper : CloudRunTriggerMapper<SagaStepTrigger>
{
    private const int MaxBodyBytes = 64 * 1024;

    private static readonly byte[] Warm = """{"status":"warm"}"""u8.ToArray();

    /// <inheritdoc />
    public override string Description => "saga step (Workflows http.post, POST /{function})";

    /// <summary>Runs the step request in the body through <paramref name="function"/> and answers with the status the workflow reads.</summary>
    public static async Task HandleAsync(HttpContext context, InvocationInfo info, SagaStepInvoker invoker, FunctionDefinition function, ILogger log)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(invoker);
        ArgumentNullException.ThrowIfNull(function);
        var trigger = (SagaStepTrigger)function.Trigger;
        if (!HttpMethods.IsPost(context.Request.Method))
        {
            await WriteAsync(context, PortableHttpResponse.Error(405, $"Saga step function '{function.Name}' takes step requests: POST only.", headers: HeaderMap.Empty.With("Allow", "POST"))).ConfigureAwait(false);
            return;
        }

        var body = await AspNetCoreBridge.ReadBodyAsync(context.Request.Body, context.Request.ContentLength, MaxBodyBytes, context.RequestAborted).ConfigureAwait(false);
        if (Warmup.IsWarmer(body.Span))
        {
            await WriteAsync(context, Reply(200, Warm)).ConfigureAwait(false);
            return;
        }

        if (!SagaStepRequest.TryParse(body.Span, trigger.Definition, out var request, out var error))
        {
            LogRefused(log, function.Name, error);
            await WriteAsync(context, PortableHttpResponse.Error(400, error)).ConfigureAwait(false);
            return;
        }

        var result = await invoker.InvokeAsync(function, request, info, context.RequestAborted).ConfigureAwait(false);
        var status = result.Kind switch
        {
            SagaStepResultKind.Succeeded => 200,
            SagaStepResultKind.Failed => 422,
            _ => 503,
        };
        await WriteAsync(context, Reply(status, SagaStepReply.From(result).ToJson())).ConfigureAwait(false);
    }

    /// <inheritdoc />
    protected override IEnumerable<CloudRunRoute> Bind(IReadOnlyList<(FunctionDefinition Function, SagaStepTrigger Trigger)> functions, IServiceProvider services, ILogger log)
    {
        var invoker = services.GetRequiredService<SagaStepInvoker>();
        return [.. functions.Select(f => CloudRunRoute.AtFunctionPath(f.Function, (context, info) => HandleAsync(context, info, invoker, f.Function, log)))];
    }

    private static PortableHttpResponse Reply(int status, byte[] body) => new()
    {
        StatusCode = status,
        Headers = HeaderMap.Empty.With("Content-Type", PortableHttpResponse.JsonContentType),
        Body = body,
    };

    private static ValueTask WriteAsync(HttpContext context, PortableHttpResponse response) => AspNetCoreBridge.WriteResponseAsync(context, response);

    [LoggerMessage(EventId = 3201, Level = LogLevel.Warning, Message = "Refused a step request to {FunctionName} with 400: {Error}")]
    private static partial void LogRefused(ILogger logger, string functionName, string error);
}
