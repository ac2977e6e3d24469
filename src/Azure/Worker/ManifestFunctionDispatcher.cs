using System.Collections.Frozen;
using Microsoft.Azure.Functions.Worker;
using Microsoft.Extensions.Logging;
using Portable.Azure.Events;
using Portable.Azure.Sagas;
using Portable.Core.Events;
using CoreFunction = Portable.Core.Functions.FunctionDefinition;
using Portable.Core.Invocation;
using Portable.Core.Messaging;
using Portable.Core.Schedules;
using Portable.Core.Storage;
using Portable.Azure.Storage;

namespace Portable.Azure.Worker;

/// <summary>
/// Runs the manifest's functions inside the isolated worker. An HTTP function (or the catch-all) maps the worker's
/// <c>HttpRequestData</c> to a neutral request, answers it through Core's <see cref="HttpInvoker"/> — which routes by
/// path, so 404, 405 with <c>Allow</c>, 413 and 415 are the ones every host gives — and returns the neutral response
/// as the function's <c>$return</c>. A queue function maps the trigger's message text and binding data to a neutral
/// message and settles it through <see cref="QueueInvocationHandler"/>: success and
/// dead-letter (recorded in <c>&lt;queue&gt;-poison</c> with its reason) complete the invocation; a transient failure
/// throws <see cref="QueueMessageRetryException"/> so that the host fails the invocation and the queue redelivers.
/// An event function (or the event router) takes its Storage queue the same way, through <see cref="EventQueueHandler"/>. A
/// schedule function maps the timer's <c>TimerInfo</c> to a neutral tick and runs it through Core's
/// <see cref="ScheduleInvoker"/>; a failed run fails the invocation, which the host records.
/// Logs go through the worker's logger factory, so the host receives them as <c>RpcLog</c> with the invocation id.
/// </summary>
public sealed partial class ManifestFunctionDispatcher
{
    private readonly HttpInvoker _http;
    private readonly QueueInvocationHandler _queues;
    private readonly IsolatedWorkerOptions _options;
    private readonly FrozenSet<string> _httpFunctions;
    private readonly FrozenDictionary<string, (CoreFunction Function, QueueTrigger Trigger)> _queueFunctions;
    private readonly ScheduleInvoker _schedules;
    private readonly TimeProvider _time;
    private readonly FrozenDictionary<string, CoreFunction> _scheduleFunctions;
    private readonly ILogger _log;
    private readonly DurableClientSource? _durableClients;
    private readonly BlobTriggerHandler? _blobs;
    private readonly FrozenDictionary<string, CoreFunction> _storageFunctions;
    private readonly EventQueueHandler? _events;
    private readonly FrozenDictionary<string, CoreFunction> _eventFunctions;

    /// <summary>
    /// Creates the dispatcher for the invokers' manifest. With <paramref name="durableClients"/> (the Durable saga
    /// runner), each invocation's <c>durableClient</c> binding value is handed to it before the function runs.
    /// Storage functions run through <paramref name="blobs"/> (without it their invocations fail). With
    /// <paramref name="events"/>, the event functions and the event router run on their Storage queues.
    /// </summary>
    public ManifestFunctionDispatcher(HttpInvoker http, QueueInvocationHandler queues, ScheduleInvoker schedules, TimeProvider time, IsolatedWorkerOptions options, ILogger<ManifestFunctionDispatcher> log, DurableClientSource? durableClients = null, BlobTriggerHandler? blobs = null, EventQueueHandler? events = null)
    {
        _durableClients = durableClients;
        _blobs = blobs;
        _events = events;
        ArgumentNullException.ThrowIfNull(http);
        ArgumentNullException.ThrowIfNull(queues);
        ArgumentNullException.ThrowIfNull(schedules);
        ArgumentNullException.ThrowIfNull(time);
        _time = time;
        ArgumentNullException.ThrowIfNull(options);
        _http = http;
        _queues = queues;
        _schedules = schedules;
        _scheduleFunctions = http.Manifest.FunctionsOf<ScheduleTrigger>().ToFrozenDictionary(f => f.Function.Name, f => f.Function, StringComparer.OrdinalIgnoreCase);
        _options = options;
        _log = log;
        // Names only: the routes were worked out once, for the metadata (AzureHttpRoutes.Of); the catch-all, when the
        // metadata has none, is simply never invoked.
        _httpFunctions = http.Manifest.HttpFunctions.Select(f => f.Function.Name).Append(AzureHttpRoutes.FallbackFunctionName).ToFrozenSet(StringComparer.OrdinalIgnoreCase);
        _queueFunctions = http.Manifest.FunctionsOf<QueueTrigger>().ToFrozenDictionary(f => f.Function.Name, StringComparer.OrdinalIgnoreCase);
        _storageFunctions = http.Manifest.FunctionsOf<StorageTrigger>().ToFrozenDictionary(f => f.Function.Name, f => f.Function, StringComparer.OrdinalIgnoreCase);
        _eventFunctions = events is null
            ? FrozenDictionary<string, CoreFunction>.Empty
            : http.Manifest.FunctionsOf<EventTrigger>().ToFrozenDictionary(f => f.Function.Name, f => f.Function, StringComparer.OrdinalIgnoreCase);
    }

    private bool RoutesEvents => _eventFunctions.Count > 0;

    /// <summary>True when <paramref name="definition"/> is one of the manifest's functions (or the catch-all) loaded at <see cref="ManifestFunction.EntryPoint"/>.</summary>
    public bool Handles(FunctionDefinition definition)
    {
        ArgumentNullException.ThrowIfNull(definition);
        return string.Equals(definition.EntryPoint, ManifestFunction.EntryPoint, StringComparison.Ordinal)
            && (_httpFunctions.Contains(definition.Name) || _queueFunctions.ContainsKey(definition.Name) || _scheduleFunctions.ContainsKey(definition.Name)
                || _storageFunctions.ContainsKey(definition.Name) || _eventFunctions.ContainsKey(definition.Name) || (RoutesEvents && IsRouter(definition.Name)));
    }

    /// <summary>Runs the invocation; throws only for what the host must see as a failed invocation.</summary>
    /// <exception cref="QueueMessageRetryException">The queue message failed transiently and is to be redelivered.</exception>
    /// <exception cref="InvalidOperationException">The invocation is not one of a manifest function, or carries no trigger input.</exception>
    public Task InvokeAsync(FunctionContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        return _durableClients is not null && context.FunctionDefinition.InputBindings.TryGetValue(DurableClientSource.BindingName, out var durableClient)
            ? InvokeWithDurableClientAsync(context, durableClient)
            : DispatchAsync(context);
    }

    private async Task InvokeWithDurableClientAsync(FunctionContext context, BindingMetadata binding)
    {
        var value = await context.BindInputAsync<string>(binding).ConfigureAwait(false);
        if (value.Value is { Length: > 0 } json)
        {
            _durableClients!.Use(json);
        }

        await DispatchAsync(context).ConfigureAwait(false);
    }

    private Task DispatchAsync(FunctionContext context)
    {
        var name = context.FunctionDefinition.Name;
        if (_queueFunctions.TryGetValue(name, out var queue))
        {
            return InvokeQueueAsync(context, queue.Function, queue.Trigger);
        }

        if (_scheduleFunctions.TryGetValue(name, out var scheduled))
        {
            return InvokeScheduleAsync(context, scheduled);
        }

        if (_storageFunctions.TryGetValue(name, out var storage))
        {
            return InvokeStorageAsync(context, storage);
        }

        if (_eventFunctions.TryGetValue(name, out var eventFunction))
        {
            var rule = ((EventTrigger)eventFunction.Trigger).Rule;
            return InvokeEventQueueAsync(context, name, EventQueues.OfRule(rule), (message, ct) => _events!.DeliverAsync(eventFunction, message, context.InvocationId, ct));
        }

        if (RoutesEvents && IsRouter(name))
        {
            return InvokeEventQueueAsync(context, name, EventQueues.RouterQueue, (message, ct) => _events!.RouteAsync(message, ct));
        }

        return _httpFunctions.Contains(name)
            ? InvokeHttpAsync(context)
            : throw new InvalidOperationException($"Function '{name}' is not a function of the manifest.");
    }

    private async Task InvokeHttpAsync(FunctionContext context)
    {
        var request = await context.GetHttpRequestDataAsync().ConfigureAwait(false)
            ?? throw new InvalidOperationException($"Function '{context.FunctionDefinition.Name}' (invocation {context.InvocationId}) was invoked without an HTTP request.");
        var portable = await WorkerHttpMapping.ReadRequestAsync(request, _http.MaxRequestBodyBytes, _options.RoutePrefix, context.CancellationToken).ConfigureAwait(false);
        var traceParent = context.TraceContext?.TraceParent is { Length: > 0 } fromHost ? fromHost : portable.Headers["traceparent"];
        var response = await _http.InvokeAsync(portable, new InvocationInfo(InvocationId: context.InvocationId, TraceParent: traceParent), context.CancellationToken).ConfigureAwait(false);
        var output = request.CreateResponse();
        await WorkerHttpMapping.WriteResponseAsync(response, output, context.CancellationToken).ConfigureAwait(false);
        context.GetInvocationResult().Value = output;
    }

    private async Task InvokeQueueAsync(FunctionContext context, CoreFunction function, QueueTrigger trigger)
    {
        // The trigger binding is the one ManifestFunctionMetadataProvider named: a lookup, not a scan per invocation.
        var binding = context.FunctionDefinition.InputBindings.GetValueOrDefault(ManifestFunctionMetadataProvider.QueueTriggerBindingName)
            ?? throw new InvalidOperationException($"Function '{function.Name}' (invocation {context.InvocationId}) has no queueTrigger binding.");
        var input = await context.BindInputAsync<string>(binding).ConfigureAwait(false);
        if (!WorkerQueueMapping.TryReadMessage(input.Value, context.BindingContext.BindingData, trigger.Queue, context.InvocationId, out var message, out var error))
        {
            // The host fails the invocation and applies its retry and poison rules: the delivery is at fault, not the handler.
            LogBadMessage(_log, function.Name, context.InvocationId, error);
            throw new InvalidOperationException($"Function '{function.Name}' (invocation {context.InvocationId}): {error}");
        }

        var settlement = await _queues.SettleAsync(function, message, context.InvocationId, context.CancellationToken).ConfigureAwait(false);
        switch (settlement.Outcome)
        {
            case MessageOutcome.Success:
                return;
            case MessageOutcome.DeadLetter:
                LogDeadLettered(_log, message.Id, function.Name, settlement.Reason);
                return;
            default:
                throw new QueueMessageRetryException(QueueInvocationHandler.RetryLine(message, function.Name, settlement.Reason));
        }
    }

    private static bool IsRouter(string name) => string.Equals(name, EventQueues.RouterFunctionName, StringComparison.OrdinalIgnoreCase);

    // An event function on its rule's queue, or the router on portable-events: read as any queue message, then
    // settled as one (success and dead-letter complete the invocation, a transient failure fails it for the host to redeliver).
    private async Task InvokeEventQueueAsync(FunctionContext context, string name, string queue, Func<IncomingMessage, CancellationToken, Task<MessageResult>> handle)
    {
        var binding = context.FunctionDefinition.InputBindings.GetValueOrDefault(ManifestFunctionMetadataProvider.QueueTriggerBindingName)
            ?? throw new InvalidOperationException($"Function '{name}' (invocation {context.InvocationId}) has no queueTrigger binding.");
        var input = await context.BindInputAsync<string>(binding).ConfigureAwait(false);
        if (!WorkerQueueMapping.TryReadMessage(input.Value, context.BindingContext.BindingData, queue, context.InvocationId, out var message, out var error))
        {
            LogBadMessage(_log, name, context.InvocationId, error);
            throw new InvalidOperationException($"Function '{name}' (invocation {context.InvocationId}): {error}");
        }

        var result = await handle(message, context.CancellationToken).ConfigureAwait(false);
        switch (result.Outcome)
        {
            case MessageOutcome.Success:
                return;
            case MessageOutcome.DeadLetter:
                LogDeadLettered(_log, message.Id, name, result.Reason);
                return;
            default:
                throw new QueueMessageRetryException(QueueInvocationHandler.RetryLine(message, name, result.Reason));
        }
    }

    private async Task InvokeScheduleAsync(FunctionContext context, CoreFunction function)
    {
        var binding = context.FunctionDefinition.InputBindings.GetValueOrDefault(ManifestFunctionMetadataProvider.TimerTriggerBindingName)
            ?? throw new InvalidOperationException($"Function '{function.Name}' (invocation {context.InvocationId}) has no timerTrigger binding.");
        var input = await context.BindInputAsync<string>(binding).ConfigureAwait(false);
        if (!WorkerTimerMapping.TryReadTick(input.Value, _time.GetUtcNow(), out var tick, out var error))
        {
            LogBadTimer(_log, function.Name, context.InvocationId, error);
            throw new InvalidOperationException($"Function '{function.Name}' (invocation {context.InvocationId}): {error}");
        }

        var result = await _schedules.InvokeAsync(function, tick, new InvocationInfo(InvocationId: context.InvocationId, TraceParent: context.TraceContext?.TraceParent), context.CancellationToken).ConfigureAwait(false);
        if (!result.Succeeded)
        {
            // The host records the failed run; a timer is not redelivered, the next occurrence runs as scheduled.
            throw new InvalidOperationException($"Schedule function '{function.Name}' failed: {result.Reason}");
        }
    }

    // A blob trigger: the blob named by the binding data (else by the deferred-binding value), run through Core's
    // storage invoker. A retry fails the invocation: the host's blob-trigger queue message is dequeued again, and after
    // maxDequeueCount (5) it goes to webjobs-blobtrigger-poison; a dead letter is already recorded, so it succeeds.
    private async Task InvokeStorageAsync(FunctionContext context, CoreFunction function)
    {
        var blobs = _blobs ?? throw new InvalidOperationException($"Function '{function.Name}' is storage-triggered but the worker has no {nameof(BlobTriggerHandler)}.");
        ReadOnlyMemory<byte>? modelBinding = null;
        if (!context.BindingContext.BindingData.ContainsKey("BlobTrigger")
            && context.FunctionDefinition.InputBindings.TryGetValue(ManifestFunctionMetadataProvider.BlobTriggerBindingName, out var binding))
        {
            var input = await context.BindInputAsync<Microsoft.Azure.Functions.Worker.Core.ModelBindingData>(binding).ConfigureAwait(false);
            modelBinding = input.Value is { Source: BlobTriggerMapping.ModelBindingSource } data ? data.Content.ToMemory() : null;
        }

        if (!BlobTriggerMapping.TryRead(context.BindingContext.BindingData, modelBinding, out var created, out var error))
        {
            LogBadBlob(_log, function.Name, context.InvocationId, error);
            throw new InvalidOperationException($"Function '{function.Name}' (invocation {context.InvocationId}): {error}");
        }

        var result = await blobs.RunAsync(function, created, new InvocationInfo(InvocationId: context.InvocationId, TraceParent: context.TraceContext?.TraceParent), context.CancellationToken).ConfigureAwait(false);
        switch (result.Outcome)
        {
            case MessageOutcome.Success:
                return;
            case MessageOutcome.DeadLetter:
                LogBlobDeadLettered(_log, created.Bucket, created.Key, function.Name, result.Reason);
                return;
            default:
                throw new QueueMessageRetryException($"Blob {created.Bucket}/{created.Key} failed in {function.Name} and will be retried: {result.Reason}");
        }
    }

    [LoggerMessage(EventId = 3204, Level = LogLevel.Error, Message = "Blob invocation of {FunctionName} (invocation {InvocationId}) is malformed: {Error}")]
    private static partial void LogBadBlob(ILogger logger, string functionName, string invocationId, string error);

    [LoggerMessage(EventId = 3205, Level = LogLevel.Information, Message = "Blob {Container}/{BlobName} dead-lettered by {FunctionName}: {Reason}")]
    private static partial void LogBlobDeadLettered(ILogger logger, string container, string blobName, string functionName, string? reason);

    [LoggerMessage(EventId = 3203, Level = LogLevel.Error, Message = "Timer invocation of {FunctionName} (invocation {InvocationId}) is malformed: {Error}")]
    private static partial void LogBadTimer(ILogger logger, string functionName, string invocationId, string error);

    [LoggerMessage(EventId = 3201, Level = LogLevel.Error, Message = "Queue invocation of {FunctionName} (invocation {InvocationId}) is malformed: {Error}")]
    private static partial void LogBadMessage(ILogger logger, string functionName, string invocationId, string error);

    // Read back by src/Compare/Hosts (AzureFunctionsApp.DeadLetteredByHandler) from the RpcLog: keep the wording.
    [LoggerMessage(EventId = 3202, Level = LogLevel.Information, Message = "Message {MessageId} dead-lettered by {FunctionName}: {Reason}")]
    private static partial void LogDeadLettered(ILogger logger, string messageId, string functionName, string? reason);
}
