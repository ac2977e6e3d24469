using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;
using Portable.Core.App;
using Portable.Core.Events;
using Portable.Core.Functions;
using Portable.Core.Invocation;
using Portable.Core.Messaging;
using Portable.Core.Resilience;
using Portable.Core.State;
using Portable.Core.Storage;

namespace Portable.Core.Tests.App;

public sealed class PortableCompositionTests
{
    private static readonly FunctionApp App = new(
        new FunctionManifestBuilder()
            .AddQueue("tally", "tallies", (_, _, _) => ValueTask.FromResult(MessageResult.DeadLetter("bad tally")))
            .Build());

    private static ServiceCollection Services()
    {
        var services = new ServiceCollection();
        services.AddSingleton<ILoggerFactory>(NullLoggerFactory.Instance);
        return services;
    }

    [Fact]
    public async Task AddPortableHostAsync_StateStore_OpenedBeforeTheContainerWithTheRegisteredClock()
    {
        var clock = new FakeTimeProvider();
        var services = Services();
        services.AddSingleton<TimeProvider>(clock);
        TimeProvider? seen = null;
        await services.AddPortableHostAsync(App, new CloudServices
        {
            OpenStateStore = (time, _) =>
            {
                seen = time;
                return Task.FromResult<IStateStore>(new InMemoryStateStore(time));
            },
        }, _ => { });

        Assert.Same(clock, seen); // opened during composition, not inside a DI factory
        await using var provider = services.BuildServiceProvider();
        Assert.IsType<ResilientStateStore>(provider.GetRequiredService<IStateStore>());
    }

    [Fact]
    public async Task AddPortableHostAsync_NoCloudStore_KeepsTheInMemoryStore()
    {
        var services = Services();
        await services.AddPortableHostAsync(App, new CloudServices(), _ => { });
        await using var provider = services.BuildServiceProvider();
        Assert.IsType<InMemoryStateStore>(provider.GetRequiredService<IStateStore>());
        Assert.IsType<InMemoryObjectStore>(provider.GetRequiredService<IObjectStore>());
        Assert.IsType<UnconfiguredDeadLetterSink>(provider.GetRequiredService<IDeadLetterSink>());
        var unconfigured = Assert.IsType<UnconfiguredEventPublisher>(provider.GetRequiredService<IEventPublisher>());
        var refused = await Assert.ThrowsAsync<InvalidOperationException>(() => unconfigured.PublishAsync(Event("e-1")).AsTask());
        Assert.StartsWith("This host has no event bus configured", refused.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AddPortableHostAsync_EventPublisher_RetriedBehindThePublishPipeline()
    {
        var bus = new FlakyBus(failures: 1);
        var services = Services();
        await services.AddPortableHostAsync(App, new CloudServices
        {
            EventPublisher = _ => bus,
            IsTransient = e => e is TimeoutException,
        }, _ => { });
        await using var provider = services.BuildServiceProvider();

        var publisher = Assert.IsType<ResilientEventPublisher>(provider.GetRequiredService<IEventPublisher>());
        var id = await publisher.PublishAsync(Event("e-7"));

        Assert.Same(bus, publisher.Inner);
        Assert.Equal("bus-e-7", id);
        Assert.Equal(2, bus.Calls); // the first put was throttled and retried by the pipeline
    }

    [Fact]
    public async Task AddPortableHostAsync_DeadLetters_RetriedBehindThePublishPipeline()
    {
        var sink = new FlakySink(failures: 1);
        var services = Services();
        await services.AddPortableHostAsync(App, new CloudServices
        {
            DeadLetters = _ => sink,
            IsTransient = e => e is TimeoutException,
        }, _ => { });
        await using var provider = services.BuildServiceProvider();

        Assert.IsType<ResilientDeadLetterSink>(provider.GetRequiredService<IDeadLetterSink>());
        var invoker = provider.GetRequiredService<MessageInvoker>();
        var message = new IncomingMessage { Id = "m1", Body = "{}"u8.ToArray(), Source = "tallies" };
        var settlements = await invoker.InvokeAsync(invoker.GetFunction("tally"), [message], default, CancellationToken.None);

        Assert.Equal(MessageOutcome.DeadLetter, Assert.Single(settlements).Outcome);
        Assert.Equal(2, sink.Calls); // the first write timed out and was retried by the pipeline
    }

    [Fact]
    public async Task AddPortableHostAsync_ObjectStore_OpensRetriedBehindTheStatePipeline_NotFoundIsNot()
    {
        var memory = new InMemoryObjectStore(TimeProvider.System);
        memory.Put("uploads", "a.csv", "x"u8.ToArray());
        var store = new FlakyObjectStore(memory, failures: 1);
        var services = Services();
        await services.AddPortableHostAsync(App, new CloudServices { ObjectStore = _ => store, IsTransient = e => e is TimeoutException }, _ => { });
        await using var provider = services.BuildServiceProvider();
        var resolved = provider.GetRequiredService<IObjectStore>();

        await using (var opened = await resolved.OpenReadAsync("uploads", "a.csv"))
        {
            Assert.Equal(1, opened.Length);
        }

        Assert.Same(store, Assert.IsType<ResilientObjectStore>(resolved).Inner);
        Assert.Equal(2, store.Calls); // the first open timed out and was retried
        await Assert.ThrowsAsync<ObjectNotFoundException>(async () => await resolved.OpenReadAsync("uploads", "missing.csv"));
        Assert.Equal(3, store.Calls); // not found is an answer: opened once
    }

    [Fact]
    public async Task AddPortableHostAsync_RegistersTheAppLast_SoItsServicesSeePortables()
    {
        var services = Services();
        IServiceCollection? atApp = null;
        var app = new FunctionApp(App.Manifest, s => atApp = s);
        await services.AddPortableHostAsync(app, new CloudServices(), _ => { });

        Assert.Same(services, atApp);
        Assert.Contains(services, d => d.ServiceType == typeof(InvocationEngine));
        Assert.Contains(services, d => d.ServiceType == typeof(FunctionManifest));
    }

    private static PortableEvent Event(string id) => new()
    {
        Id = id,
        Source = "orders",
        DetailType = "order.placed",
        Time = new DateTimeOffset(2026, 1, 2, 3, 4, 5, TimeSpan.Zero),
    };

    private sealed class FlakyBus(int failures) : IEventPublisher
    {
        private int _calls;

        public int Calls => _calls;

        public ValueTask<IReadOnlyList<string>> PublishAsync(IReadOnlyList<PortableEvent> events, CancellationToken cancellationToken = default) =>
            Interlocked.Increment(ref _calls) <= failures
                ? throw new TimeoutException("event bus throttled")
                : ValueTask.FromResult<IReadOnlyList<string>>([.. events.Select(e => "bus-" + e.Id)]);
    }

    private sealed class FlakyObjectStore(IObjectStore inner, int failures) : IObjectStore
    {
        private int _calls;

        public int Calls => _calls;

        public ValueTask<StoredObject> OpenReadAsync(string bucket, string key, string? version = null, CancellationToken cancellationToken = default) =>
            Interlocked.Increment(ref _calls) <= failures ? throw new TimeoutException("S3 throttled") : inner.OpenReadAsync(bucket, key, version, cancellationToken);
    }

    private sealed class FlakySink(int failures) : IDeadLetterSink
    {
        private int _calls;

        public int Calls => _calls;

        public ValueTask DeadLetterAsync(IncomingMessage message, string reason, CancellationToken cancellationToken = default) =>
            Interlocked.Increment(ref _calls) <= failures ? throw new TimeoutException("dead-letter queue throttled") : ValueTask.CompletedTask;
    }
}
