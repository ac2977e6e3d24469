using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Time.Testing;
using Portable.Core.App;
using Portable.Core.Events;
using Portable.Core.Functions;
using Portable.Core.Http;
using Portable.Core.Invocation;
using Portable.Core.Messaging;
using Portable.Core.Schedules;
using Portable.Core.State;
using Portable.Core.Storage;
using Portable.Testing.Messaging;

namespace Portable.Testing;

/// <summary>
/// Runs a <see cref="FunctionApp"/> in memory, composed as the hosts compose it (<see cref="PortableComposition.AddFunctionApp"/>:
/// Portable's defaults, the middleware, the real invocation engine and its HTTP, queue, schedule, saga-step and storage
/// front doors), with an in-memory state store and object store, a fake clock, a recording dead-letter sink and a
/// recording logger. Send it requests, deliver it messages and object-created events as a platform would, then look at
/// what it answered, stored, dead-lettered and logged — the
/// Functions Framework's <c>FunctionTestBase</c> is the model.
/// <code>
/// await using var host = new FunctionTestHost(MyApp.App);
/// var response = await host.SendAsync(HttpRequestBuilder.Get("/hello/ada"));
/// var settlements = await host.DeliverAsync("orders", MessageBuilder.Json("""{"id":1}""").Build());
/// </code>
/// </summary>
public sealed class FunctionTestHost : IDisposable, IAsyncDisposable
{
    private readonly ServiceProvider _services;

    /// <summary>Composes <paramref name="app"/>; <paramref name="configure"/> changes the defaults (see <see cref="FunctionTestHostOptions"/>).</summary>
    /// <exception cref="ArgumentException">The host options name a <c>FunctionTarget</c> the manifest does not declare.</exception>
    public FunctionTestHost(FunctionApp app, Action<FunctionTestHostOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(app);
        var options = new FunctionTestHostOptions();
        configure?.Invoke(options);
        Clock = TestClock.Create(options.StartTime);
        Store = new InMemoryStateStore(Clock);
        Objects = new InMemoryObjectStore(Clock);

        var services = new ServiceCollection();
        services.AddSingleton<TimeProvider>(Clock);
        services.AddLogging(logging => logging.ClearProviders().AddProvider(Logs).SetMinimumLevel(options.MinimumLogLevel));
        services.AddSingleton<IStateStore>(options.DecorateStore?.Invoke(Store) ?? Store);
        services.AddSingleton<IObjectStore>(Objects);
        services.AddSingleton<IDeadLetterSink>(DeadLetters);
        Publisher = new InMemoryPublisher(Clock);
        services.AddSingleton<IMessagePublisher>(Publisher);
        services.AddSingleton<IEventPublisher>(EventBus);
        services.AddFunctionApp(app, host =>
        {
            // Hermetic: what the machine's environment says must not change a test's outcome.
            host.MessageIdempotencyDisabled = false;
            host.TransientFaultRate = 0;
            host.HttpFaultDelay = TimeSpan.Zero;
            host.HttpFaultDelayPath = string.Empty;
            options.Host?.Invoke(host);
        });
        options.Services?.Invoke(services);
        _services = services.BuildServiceProvider();
        try
        {
            HttpInvoker = _services.GetRequiredService<HttpInvoker>();
            MessageInvoker = _services.GetRequiredService<MessageInvoker>();
            ScheduleInvoker = _services.GetRequiredService<ScheduleInvoker>();
            SagaStepInvoker = _services.GetRequiredService<SagaStepInvoker>();
            EventInvoker = _services.GetRequiredService<EventInvoker>();
            StorageInvoker = _services.GetRequiredService<StorageInvoker>();
        }
        catch
        {
            _services.Dispose();
            throw;
        }
    }

    /// <summary>Composes an app made of <paramref name="manifest"/> and the handlers <paramref name="services"/> registers.</summary>
    public FunctionTestHost(FunctionManifest manifest, Action<IServiceCollection>? services = null, Action<FunctionTestHostOptions>? configure = null)
        : this(new FunctionApp(manifest, services), configure)
    {
    }

    /// <summary>The clock every handler and middleware reads; advance it to pass deadlines and expire records.</summary>
    public FakeTimeProvider Clock { get; }

    /// <summary>The in-memory state store, holding what was really written (under any <see cref="FunctionTestHostOptions.DecorateStore"/> wrapper).</summary>
    public InMemoryStateStore Store { get; }

    /// <summary>The in-memory object store the functions read through <see cref="IObjectStore"/>; <see cref="InMemoryObjectStore.Put"/> returns the event to deliver.</summary>
    public InMemoryObjectStore Objects { get; }

    /// <summary>What was dead-lettered, with the reasons (unless a test registered another sink).</summary>
    public RecordingDeadLetterSink DeadLetters { get; } = new();

    /// <summary>Everything the host, the middleware and the functions logged.</summary>
    public RecordingLoggerProvider Logs { get; } = new();

    /// <summary>The host's services, as a handler's <see cref="FunctionContext.Services"/> sees them.</summary>
    public IServiceProvider Services => _services;

    /// <summary>The functions this host serves (all, or the one <c>FunctionTarget</c> names).</summary>
    public FunctionManifest Manifest => HttpInvoker.Manifest;

    /// <summary>The HTTP front door, for code that takes one (an adapter under test).</summary>
    public HttpInvoker HttpInvoker { get; }

    /// <summary>The queue front door, for code that takes one (an adapter under test).</summary>
    public MessageInvoker MessageInvoker { get; }

    /// <summary>The saga-step front door, for code that takes one (an adapter under test).</summary>
    public SagaStepInvoker SagaStepInvoker { get; }

    /// <summary>The event front door, for code that takes one (an adapter under test).</summary>
    public EventInvoker EventInvoker { get; }

    /// <summary>The events the functions published; <see cref="DeliverPublishedEventsAsync"/> routes them to the event functions.</summary>
    public InMemoryEventBus EventBus { get; } = new();

    /// <summary>What the functions published; <see cref="DeliverPublishedAsync"/> delivers it.</summary>
    public InMemoryPublisher Publisher { get; }

    /// <summary>The schedule front door, for code that takes one (an adapter under test).</summary>
    public ScheduleInvoker ScheduleInvoker { get; }

    /// <summary>The storage front door, for code that takes one (an adapter under test).</summary>
    public StorageInvoker StorageInvoker { get; }

    /// <summary>Sends a request through routing, the middleware and the handler; never throws for what the handler did.</summary>
    /// <param name="request">The neutral request.</param>
    /// <param name="info">What the platform would say: invocation id, deadline (on <see cref="Clock"/>), trace context.</param>
    /// <param name="cancellationToken">Cancels as the host stopping would.</param>
    public ValueTask<PortableHttpResponse> SendAsync(PortableHttpRequest request, InvocationInfo info = default, CancellationToken cancellationToken = default) =>
        HttpInvoker.InvokeAsync(request, info, cancellationToken);

    /// <summary>Builds and sends a request (see <see cref="SendAsync(PortableHttpRequest, InvocationInfo, CancellationToken)"/>).</summary>
    public ValueTask<PortableHttpResponse> SendAsync(HttpRequestBuilder request, InvocationInfo info = default, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        return SendAsync(request.Build(), info, cancellationToken);
    }

    /// <summary>
    /// Delivers a batch to the queue function named <paramref name="queueOrFunction"/>, or else to the one consuming
    /// that queue, and returns a settlement per message in batch order. As every adapter does, a message's
    /// <see cref="IncomingMessage.Source"/> is the queue the function consumes.
    /// </summary>
    public ValueTask<IReadOnlyList<MessageSettlement>> DeliverAsync(string queueOrFunction, params IReadOnlyList<IncomingMessage> messages) =>
        DeliverAsync(queueOrFunction, messages, default, CancellationToken.None);

    /// <summary>Delivers a batch as one platform invocation described by <paramref name="info"/> (its deadline bounds the whole batch).</summary>
    public ValueTask<IReadOnlyList<MessageSettlement>> DeliverAsync(
        string queueOrFunction, IReadOnlyList<IncomingMessage> messages, InvocationInfo info, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(messages);
        var function = FindQueueFunction(queueOrFunction);
        var queue = ((QueueTrigger)function.Trigger).Queue;
        var batch = new IncomingMessage[messages.Count];
        for (var i = 0; i < batch.Length; i++)
        {
            var message = messages[i] ?? throw new ArgumentException($"Message {i} of the batch is null.", nameof(messages));
            batch[i] = message.Source == queue ? message : message with { Source = queue };
        }

        return MessageInvoker.InvokeAsync(function, batch, info, cancellationToken);
    }

    /// <summary>Delivers one message and returns its settlement.</summary>
    public async ValueTask<MessageSettlement> DeliverOneAsync(
        string queueOrFunction, IncomingMessage message, InvocationInfo info = default, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(message);
        return (await DeliverAsync(queueOrFunction, [message], info, cancellationToken).ConfigureAwait(false))[0];
    }

    /// <summary>
    /// Delivers what the functions published to the queue functions consuming it, one message at a time in the order
    /// published, until nothing is left — including what those deliveries publish in turn (a chain of steps). A message
    /// settled for retry is delivered again, up to <paramref name="maxDeliveries"/> times in all; a message for a
    /// queue no function consumes is left undelivered. Returns how many deliveries were made.
    /// </summary>
    public async ValueTask<int> DeliverPublishedAsync(int maxDeliveries = 5, CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(maxDeliveries, 1);
        var delivered = 0;
        var skipped = new List<IncomingMessage>();
        while (Publisher.TryTake(out var message))
        {
            if (MessageInvoker.FindByQueue(message.Source) is not { } function)
            {
                skipped.Add(message);
                continue;
            }

            delivered++;
            var settlement = (await MessageInvoker.InvokeAsync(function, [message], default, cancellationToken).ConfigureAwait(false))[0];
            if (settlement.Outcome == MessageOutcome.Retry && message.DeliveryCount < maxDeliveries)
            {
                Publisher.Requeue(message);
            }
        }

        foreach (var message in skipped)
        {
            Publisher.Requeue(message with { DeliveryCount = message.DeliveryCount - 1 });
        }

        return delivered;
    }

    /// <summary>Delivers <paramref name="event"/> to every event function whose rule matches it; returns one delivery per function.</summary>
    public ValueTask<IReadOnlyList<EventDelivery>> DeliverEventAsync(PortableEvent @event, int deliveryCount = 1, CancellationToken cancellationToken = default) =>
        EventInvoker.RouteAsync(@event, default, deliveryCount, cancellationToken);

    /// <summary>
    /// Routes what the functions published on <see cref="EventBus"/> to the event functions whose rules match it, one
    /// event at a time in the order published, until nothing is left — including what those deliveries publish in turn
    /// (a choreography). A function that answers retry gets the event again, up to <paramref name="maxDeliveries"/>
    /// times in all; the other functions it was routed to are not delivered it again. Returns how many deliveries were made.
    /// </summary>
    public async ValueTask<int> DeliverPublishedEventsAsync(int maxDeliveries = 5, CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(maxDeliveries, 1);
        var delivered = 0;
        while (EventBus.TryTake(out var @event))
        {
            foreach (var function in EventInvoker.Router.Route(@event))
            {
                for (var count = 1; count <= maxDeliveries; count++)
                {
                    delivered++;
                    var delivery = await EventInvoker.InvokeAsync(function, @event, default, count, cancellationToken).ConfigureAwait(false);
                    if (delivery.Outcome != MessageOutcome.Retry)
                    {
                        break;
                    }
                }
            }
        }

        return delivered;
    }

    /// <summary>
    /// Fires one tick of the scheduled function <paramref name="function"/>, as a platform's scheduler would; without a
    /// <paramref name="tick"/>, one scheduled and fired now on <see cref="Clock"/>. Never throws for what the handler did.
    /// </summary>
    public ValueTask<ScheduleResult> FireScheduleAsync(
        string function, ScheduledInvocation? tick = null, InvocationInfo info = default, CancellationToken cancellationToken = default)
    {
        var now = Clock.GetUtcNow();
        return ScheduleInvoker.InvokeAsync(
            ScheduleInvoker.GetFunction(function), tick ?? new ScheduledInvocation { ScheduledTime = now, FiredAt = now }, info, cancellationToken);
    }

    /// <summary>
    /// Delivers an object-created event to the storage function <paramref name="function"/>, as a platform would (a
    /// repeated delivery of the same upload is suppressed by the idempotency middleware). Never throws for what the
    /// handler did.
    /// </summary>
    public ValueTask<MessageResult> DeliverObjectAsync(
        string function, ObjectCreated created, InvocationInfo info = default, CancellationToken cancellationToken = default) =>
        StorageInvoker.InvokeAsync(StorageInvoker.GetFunction(function), created, info, cancellationToken);

    /// <summary>Uploads <paramref name="content"/> to <see cref="Objects"/> and delivers its event to <paramref name="function"/>.</summary>
    public ValueTask<MessageResult> UploadAsync(string function, string bucket, string key, ReadOnlyMemory<byte> content, string? contentType = null) =>
        DeliverObjectAsync(function, Objects.Put(bucket, key, content, contentType));

    /// <inheritdoc />
    public void Dispose() => _services.Dispose();

    /// <inheritdoc />
    public ValueTask DisposeAsync() => _services.DisposeAsync();

    private FunctionDefinition FindQueueFunction(string queueOrFunction)
    {
        ArgumentException.ThrowIfNullOrEmpty(queueOrFunction);
        return Manifest.Find<QueueTrigger>(queueOrFunction)?.Function
            ?? MessageInvoker.FindByQueue(queueOrFunction)
            ?? throw new ArgumentException(
                $"'{queueOrFunction}' is neither a queue function nor a queue one consumes. Queue functions: "
                + string.Join(", ", Manifest.FunctionsOf<QueueTrigger>().Select(f => $"{f.Function.Name} ({f.Trigger.Queue})")) + ".",
                nameof(queueOrFunction));
    }
}
