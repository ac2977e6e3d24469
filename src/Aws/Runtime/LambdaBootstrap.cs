using Microsoft.Extensions.Logging;
using Portable.Aws.Events;
using Portable.Core.Functions;

namespace Portable.Aws.Runtime;

/// <summary>
/// The custom runtime's loop (steps 1 and 5 of an invocation on AWS): GET <c>next</c>, set
/// <c>_X_AMZN_TRACE_ID</c>, hand the event to the function's <see cref="LambdaEventHandler"/> (bound by the
/// <see cref="LambdaTriggerMapper"/> of its trigger kind: API Gateway and Function URL events for HTTP, SQS for a
/// queue), and POST its response — or POST <c>/error</c> when the event is not one this function can take. A handler
/// fault never reaches <c>/error</c>: the invoker has already turned it into a 500 response or a batch item failure.
/// </summary>
public sealed partial class LambdaBootstrap
{
    /// <summary>The process-wide variable the X-Ray SDK reads the current trace header from.</summary>
    public const string TraceIdVariable = "_X_AMZN_TRACE_ID";

    /// <summary>Error type for an init with no <c>_HANDLER</c>.</summary>
    public const string MissingHandlerType = "Runtime.MissingHandler";

    /// <summary>Error type for a <c>_HANDLER</c> the manifest does not declare.</summary>
    public const string UnknownHandlerType = "Runtime.UnknownHandler";

    /// <summary>Error type for a manifest function whose trigger no <see cref="LambdaTriggerMapper"/> serves.</summary>
    public const string UnsupportedHandlerType = "Runtime.UnsupportedHandler";

    /// <summary>Error type posted when the response is over the Runtime API's payload limit (413).</summary>
    public const string ResponseTooLargeType = "Function.ResponseSizeTooLarge";

    private readonly RuntimeApiClient _client;
    private readonly LambdaEventHandler _handler;
    private readonly ILogger _log;
    private readonly Action<string?>? _requestIdChanged;

    /// <summary>
    /// Creates the loop around <paramref name="handler"/>, the function bound by its trigger's mapper.
    /// <paramref name="requestIdChanged"/> learns the request id being served (for log lines).
    /// </summary>
    public LambdaBootstrap(RuntimeApiClient client, LambdaEventHandler handler, ILogger logger, Action<string?>? requestIdChanged = null)
    {
        _client = client ?? throw new ArgumentNullException(nameof(client));
        _handler = handler ?? throw new ArgumentNullException(nameof(handler));
        _log = logger ?? throw new ArgumentNullException(nameof(logger));
        _requestIdChanged = requestIdChanged;
    }

    /// <summary>
    /// Finds the function <c>_HANDLER</c> names, served by one of <see cref="LambdaTriggerMapper.Default"/>. On failure
    /// <paramref name="error"/> is what to POST to <c>/runtime/init/error</c> before exiting.
    /// </summary>
    public static bool TryResolveHandler(string? handler, FunctionManifest manifest, out FunctionDefinition function, out LambdaError error) =>
        TryResolveHandler(handler, manifest, LambdaTriggerMapper.Default, out function, out _, out error);

    /// <summary>
    /// Finds the function <c>_HANDLER</c> names and the first of <paramref name="mappers"/> that serves its trigger.
    /// On failure <paramref name="error"/> is what to POST to <c>/runtime/init/error</c> before exiting; for a trigger
    /// no mapper serves, it names the kinds that are served.
    /// </summary>
    public static bool TryResolveHandler(
        string? handler,
        FunctionManifest manifest,
        IReadOnlyList<LambdaTriggerMapper> mappers,
        out FunctionDefinition function,
        out LambdaTriggerMapper mapper,
        out LambdaError error)
    {
        ArgumentNullException.ThrowIfNull(manifest);
        ArgumentNullException.ThrowIfNull(mappers);
        function = null!;
        mapper = null!;
        error = null!;
        var declared = string.Join(", ", manifest.Functions.Select(f => f.Name));
        if (string.IsNullOrWhiteSpace(handler))
        {
            error = new LambdaError(MissingHandlerType, $"_HANDLER is not set. Set the function's handler to the name of a function in the manifest: {declared}.");
            return false;
        }

        if (manifest.Find(handler.Trim()) is not { } found)
        {
            error = new LambdaError(UnknownHandlerType, $"_HANDLER '{handler}' names no function in the manifest. Declared: {declared}.");
            return false;
        }

        if (LambdaTriggerMapper.Find(mappers, found.Trigger) is not { } served)
        {
            var kinds = string.Join("; ", mappers.Select(m => m.Description));
            error = new LambdaError(UnsupportedHandlerType, $"Function '{found.Name}' has a {found.Trigger.GetType().Name}, which this runtime cannot serve. Supported trigger kinds: {kinds}.");
            return false;
        }

        function = found;
        mapper = served;
        return true;
    }

    /// <summary>Serves invocations until <paramref name="cancellationToken"/> is cancelled (SIGTERM) or the Runtime API fails.</summary>
    /// <exception cref="RuntimeApiException">The Runtime API answered with an error the runtime must exit on.</exception>
    public async Task RunAsync(CancellationToken cancellationToken)
    {
        while (!cancellationToken.IsCancellationRequested)
        {
            await RunOnceAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>Serves exactly one invocation: next → map → invoke → response (or error).</summary>
    public async Task RunOnceAsync(CancellationToken cancellationToken)
    {
        var invocation = await _client.GetNextAsync(cancellationToken).ConfigureAwait(false);

        // One invocation at a time per process, so the process-wide variable is safe here (the docs' contract, for
        // X-Ray SDKs). Set before the request id is announced: the log provider takes the trace id from it then, once.
        Environment.SetEnvironmentVariable(TraceIdVariable, invocation.TraceId);
        _requestIdChanged?.Invoke(invocation.RequestId);
        try
        {
            var answer = await AnswerAsync(invocation, cancellationToken).ConfigureAwait(false);
            if (answer.IsFatal)
            {
                throw new RuntimeApiException(answer.StatusCode, $"The Runtime API refused invocation {invocation.RequestId} with {answer.StatusCode}: {answer.Body}");
            }

            if (!answer.Accepted)
            {
                LogRefused(_log, invocation.RequestId, answer.StatusCode, answer.Body);
            }
        }
        finally
        {
            _requestIdChanged?.Invoke(null);
        }
    }

    private async Task<RuntimeApiAnswer> AnswerAsync(RuntimeInvocation invocation, CancellationToken cancellationToken)
    {
        LambdaAnswer outcome;
        try
        {
            outcome = await _handler(invocation, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (!(ex is OperationCanceledException && cancellationToken.IsCancellationRequested))
        {
            // What a handler's mapper did not turn into an answer (its services failed to build, say) fails this
            // invocation, as Lambda's own runtimes report an unhandled exception; the environment serves the next one.
            LogUnhandled(_log, invocation.RequestId, ex);
            return await _client.PostErrorAsync(invocation.RequestId, new LambdaError(ex.GetType().Name, ex.Message), cancellationToken).ConfigureAwait(false);
        }

        if (outcome.Error is { } error)
        {
            return await _client.PostErrorAsync(invocation.RequestId, error, cancellationToken).ConfigureAwait(false);
        }

        var answer = await _client.PostResponseAsync(invocation.RequestId, outcome.Response, cancellationToken).ConfigureAwait(false);
        if (answer.StatusCode == 413)
        {
            // 6 MB synchronous response limit (https://docs.aws.amazon.com/lambda/latest/dg/gettingstarted-limits.html).
            LogRefused(_log, invocation.RequestId, answer.StatusCode, answer.Body);
            answer = await _client.PostErrorAsync(
                invocation.RequestId,
                new LambdaError(ResponseTooLargeType, "The response is larger than Lambda's 6 MB synchronous payload limit."),
                cancellationToken).ConfigureAwait(false);
        }

        return answer;
    }

    [LoggerMessage(EventId = 3003, Level = LogLevel.Error, Message = "Invocation {RequestId} failed outside its function's pipeline")]
    private static partial void LogUnhandled(ILogger logger, string requestId, Exception exception);

    [LoggerMessage(EventId = 3001, Level = LogLevel.Warning, Message = "The Runtime API refused the answer to {RequestId} with {StatusCode}: {Body}")]
    private static partial void LogRefused(ILogger logger, string requestId, int statusCode, string body);
}
