using Microsoft.Extensions.Logging;
using Portable.Aws.Events;
using Portable.Core.Functions;
using Portable.Core.Invocation;
using Portable.Core.Messaging;

namespace Portable.Aws.Runtime;

/// <summary>
/// The custom runtime's loop (steps 1 and 5 of an invocation on AWS): GET <c>next</c>, set
/// <c>_X_AMZN_TRACE_ID</c>, map the event, let <see cref="HttpInvoker"/> (API Gateway, Function URL) or
/// <see cref="MessageInvoker"/> (SQS) run it, and POST the response — or POST <c>/error</c> when the event is not
/// one this function can take. A handler fault never reaches <c>/error</c>: the invoker has already turned it into
/// a 500 response or a batch item failure.
/// </summary>
public sealed partial class LambdaBootstrap
{
    /// <summary>The process-wide variable the X-Ray SDK reads the current trace header from.</summary>
    public const string TraceIdVariable = "_X_AMZN_TRACE_ID";

    /// <summary>Error type for an init with no <c>_HANDLER</c>.</summary>
    public const string MissingHandlerType = "Runtime.MissingHandler";

    /// <summary>Error type for a <c>_HANDLER</c> the manifest does not declare.</summary>
    public const string UnknownHandlerType = "Runtime.UnknownHandler";

    /// <summary>Error type for a manifest function this runtime cannot serve (neither HTTP nor queue trigger).</summary>
    public const string UnsupportedHandlerType = "Runtime.UnsupportedHandler";

    /// <summary>Error type posted when the response is over the Runtime API's payload limit (413).</summary>
    public const string ResponseTooLargeType = "Function.ResponseSizeTooLarge";

    private readonly RuntimeApiClient _client;
    private readonly HttpInvoker? _invoker;
    private readonly MessageInvoker? _messages;
    private readonly FunctionDefinition? _queueFunction;
    private readonly ILogger _log;
    private readonly Action<string?>? _requestIdChanged;

    /// <summary>Creates the loop. <paramref name="requestIdChanged"/> learns the request id being served (for log lines).</summary>
    public LambdaBootstrap(RuntimeApiClient client, HttpInvoker invoker, ILogger logger, Action<string?>? requestIdChanged = null)
    {
        _client = client ?? throw new ArgumentNullException(nameof(client));
        _invoker = invoker ?? throw new ArgumentNullException(nameof(invoker));
        _log = logger ?? throw new ArgumentNullException(nameof(logger));
        _requestIdChanged = requestIdChanged;
    }

    /// <summary>Creates the loop for a queue function: each invocation is an SQS event for <paramref name="function"/>.</summary>
    public LambdaBootstrap(RuntimeApiClient client, MessageInvoker invoker, FunctionDefinition function, ILogger logger, Action<string?>? requestIdChanged = null)
    {
        _client = client ?? throw new ArgumentNullException(nameof(client));
        _messages = invoker ?? throw new ArgumentNullException(nameof(invoker));
        _queueFunction = function is { Trigger: QueueTrigger } ? function : throw new ArgumentException($"Function '{function?.Name}' is not queue-triggered.", nameof(function));
        _log = logger ?? throw new ArgumentNullException(nameof(logger));
        _requestIdChanged = requestIdChanged;
    }

    /// <summary>
    /// Finds the function <c>_HANDLER</c> names. On failure <paramref name="error"/> is what to POST to
    /// <c>/runtime/init/error</c> before exiting.
    /// </summary>
    public static bool TryResolveHandler(string? handler, FunctionManifest manifest, out FunctionDefinition function, out LambdaError error)
    {
        ArgumentNullException.ThrowIfNull(manifest);
        function = null!;
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

        if (found.Trigger is not (HttpTrigger or QueueTrigger))
        {
            error = new LambdaError(UnsupportedHandlerType, $"Function '{found.Name}' has a {found.Trigger.GetType().Name}; this runtime serves HTTP and queue (SQS) functions only.");
            return false;
        }

        function = found;
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
        if (_messages is not null)
        {
            return await AnswerQueueAsync(_messages, _queueFunction!, invocation, cancellationToken).ConfigureAwait(false);
        }

        if (!ApiGatewayRequestMapper.TryMap(invocation.Payload, out var httpEvent, out var error))
        {
            LogUnsupported(_log, invocation.RequestId, error.ErrorType, error.ErrorMessage);
            return await _client.PostErrorAsync(invocation.RequestId, error, cancellationToken).ConfigureAwait(false);
        }

        // A request the client got wrong (say, a body flagged base64 that is not) is answered 400, not reported to /error.
        var info = new InvocationInfo(invocation.RequestId, invocation.Deadline, httpEvent.TraceParent, invocation.TraceId);
        var response = httpEvent.Rejection ?? await _invoker!.InvokeAsync(httpEvent.Request, info, cancellationToken).ConfigureAwait(false);
        LogInvoked(_log, httpEvent.Format, httpEvent.Request.Method, httpEvent.Request.Path, response.StatusCode);
        var answer = await _client.PostResponseAsync(invocation.RequestId, ApiGatewayResponseWriter.Write(httpEvent.Format, response), cancellationToken).ConfigureAwait(false);
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

    // SQS: map the records, run the batch, answer with batchItemFailures (dead letters already went to the sink).
    private async Task<RuntimeApiAnswer> AnswerQueueAsync(MessageInvoker invoker, FunctionDefinition function, RuntimeInvocation invocation, CancellationToken cancellationToken)
    {
        if (!SqsEventMapper.TryMap(invocation.Payload, out var batch, out var error))
        {
            LogUnsupportedQueueEvent(_log, invocation.RequestId, error.ErrorType, error.ErrorMessage);
            return await _client.PostErrorAsync(invocation.RequestId, error, cancellationToken).ConfigureAwait(false);
        }

        var info = new InvocationInfo(invocation.RequestId, invocation.Deadline, null, invocation.TraceId);
        var settlements = await invoker.InvokeAsync(function, batch.Messages, info, cancellationToken).ConfigureAwait(false);
        var fifo = batch.IsFifo || ((QueueTrigger)function.Trigger).Options.Fifo;
        var body = SqsBatchResponseWriter.Write(settlements, fifo);
        int succeeded = 0, retried = 0, deadLettered = 0;
        foreach (var settlement in settlements)
        {
            _ = settlement.Outcome switch
            {
                MessageOutcome.Success => succeeded++,
                MessageOutcome.Retry => retried++,
                _ => deadLettered++,
            };
        }

        LogBatch(_log, batch.Messages.Count, succeeded, retried, deadLettered);
        return await _client.PostResponseAsync(invocation.RequestId, body, cancellationToken).ConfigureAwait(false);
    }

    [LoggerMessage(EventId = 2004, Level = LogLevel.Information, Message = "SQS batch of {Count}: {Succeeded} succeeded, {Retried} to retry, {DeadLettered} dead-lettered")]
    private static partial void LogBatch(ILogger logger, int count, int succeeded, int retried, int deadLettered);

    [LoggerMessage(EventId = 2005, Level = LogLevel.Warning, Message = "Invocation {RequestId} is not a usable SQS event ({ErrorType}): {ErrorMessage}")]
    private static partial void LogUnsupportedQueueEvent(ILogger logger, string requestId, string errorType, string errorMessage);

    [LoggerMessage(EventId = 2001, Level = LogLevel.Information, Message = "{Format} {Method} {Path} answered {StatusCode}")]
    private static partial void LogInvoked(ILogger logger, HttpEventFormat format, string method, string path, int statusCode);

    [LoggerMessage(EventId = 2002, Level = LogLevel.Warning, Message = "Invocation {RequestId} is not an HTTP event ({ErrorType}): {ErrorMessage}")]
    private static partial void LogUnsupported(ILogger logger, string requestId, string errorType, string errorMessage);

    [LoggerMessage(EventId = 2003, Level = LogLevel.Warning, Message = "The Runtime API refused the answer to {RequestId} with {StatusCode}: {Body}")]
    private static partial void LogRefused(ILogger logger, string requestId, int statusCode, string body);
}
