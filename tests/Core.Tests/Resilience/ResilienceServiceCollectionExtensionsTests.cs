using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Portable.Core.Messaging;
using Portable.Core.Resilience;
using Portable.Core.State;
using Portable.Testing;

namespace Portable.Core.Tests.Resilience;

public sealed class ResilienceServiceCollectionExtensionsTests
{
    [Fact]
    public void AddPortableResilience_InvalidOptions_FailsAtRegistrationNamingThePipelineAndField()
    {
        var services = new ServiceCollection();

        var ex = Assert.Throws<ResilienceOptionsException>(() => services.AddPortableResilience(b => b
            .AddPipeline("state")
            .AddPipeline("publish", o => o.BaseDelay = TimeSpan.FromSeconds(-1))));

        Assert.Equal("publish", ex.PipelineName);
        Assert.Contains("BaseDelay must be between zero and one day (was -00:00:01).", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void AddPortableResilience_CalledTwice_ExtendsTheSamePipelines()
    {
        var services = new ServiceCollection();
        services.AddPortableResilience(b => b.AddPipeline("state", o => o.MaxRetryAttempts = 5));
        services.AddPortableResilience(b => b.AddPipeline("state", o => o.BaseDelay = TimeSpan.FromSeconds(1)).AddPipeline("publish"));

        using var provider = services.BuildServiceProvider();
        var settings = provider.GetRequiredService<ResilienceOptionsBuilder>();
        var resilience = provider.GetRequiredService<PortableResilience>();

        Assert.Equal(5, settings.Pipelines["state"].MaxRetryAttempts);
        Assert.Equal(TimeSpan.FromSeconds(1), settings.Pipelines["state"].BaseDelay);
        Assert.Equal(["publish", "state"], resilience.PipelineNames.Order(StringComparer.Ordinal));
        Assert.Single(services, d => d.ServiceType == typeof(PortableResilience));
    }

    [Fact]
    public async Task AddResilientStateStore_WrapsTheRegisteredStoreOnTheStatePipelineWithTheContainerClock()
    {
        var time = new SteppedTimeProvider();
        var logs = new RecordingLoggerProvider();
        var services = new ServiceCollection();
        services.AddSingleton<TimeProvider>(time);
        services.AddSingleton(logs.CreateLoggerFactory());
        services.AddSingleton<IStateStore>(sp => new InMemoryStateStore(sp.GetRequiredService<TimeProvider>()));
        services.AddPortableResilience(b => b.AddPipeline(PortableResilience.StatePipeline, o => (o.Timeout, o.AttemptTimeout) = (TimeSpan.FromSeconds(1), null)));
        services.AddResilientStateStore();

        using var provider = services.BuildServiceProvider();
        var store = Assert.IsType<ResilientStateStore>(provider.GetRequiredService<IStateStore>());
        Assert.IsType<InMemoryStateStore>(store.Inner);
        Assert.Same(store, provider.GetRequiredService<IStateStore>());
        Assert.True((await store.PutAsync("items", "a", new byte[] { 1 })).Succeeded);

        // The pipeline runs on the container's clock: its 1 s total timeout fires when that clock moves.
        var pipeline = provider.GetRequiredService<PortableResilience>().GetPipeline(PortableResilience.StatePipeline);
        var hung = pipeline.ExecuteAsync(async ct => await Task.Delay(Timeout.InfiniteTimeSpan, ct)).AsTask();
        time.Advance(TimeSpan.FromSeconds(1));
        await Assert.ThrowsAsync<Polly.Timeout.TimeoutRejectedException>(() => hung.WaitAsync(TimeSpan.FromSeconds(30)));
        Assert.Single(logs.WithEventId(7005));
    }

    [Fact]
    public void AddResilientMessagePublisher_TypeRegisteredPublisher_IsBuiltAndWrapped()
    {
        var services = new ServiceCollection();
        services.AddSingleton<IMessagePublisher, NullPublisher>();
        services.AddPortableResilience(b => b.AddPipeline(PortableResilience.PublishPipeline));
        services.AddResilientMessagePublisher();

        using var provider = services.BuildServiceProvider();
        var publisher = Assert.IsType<ResilientMessagePublisher>(provider.GetRequiredService<IMessagePublisher>());
        Assert.IsType<NullPublisher>(publisher.Inner);
    }

    [Fact]
    public void AddResilientStateStore_InstanceRegisteredStore_IsWrappedAsIs()
    {
        var inner = new InMemoryStateStore(TimeProvider.System);
        var services = new ServiceCollection();
        services.AddSingleton<IStateStore>(inner);
        services.AddPortableResilience(b => b.AddPipeline("tables"));
        services.AddResilientStateStore("tables");

        using var provider = services.BuildServiceProvider();
        Assert.Same(inner, Assert.IsType<ResilientStateStore>(provider.GetRequiredService<IStateStore>()).Inner);
    }

    [Fact]
    public void AddResilientStateStore_NoStoreRegistered_ThrowsSayingWhatToRegister()
    {
        var ex = Assert.Throws<InvalidOperationException>(() => new ServiceCollection().AddResilientStateStore());

        Assert.Contains("IStateStore", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void AddResilientStateStore_PipelineNotConfigured_FailsOnResolveNamingIt()
    {
        var services = new ServiceCollection();
        services.AddSingleton<IStateStore>(new InMemoryStateStore(TimeProvider.System));
        services.AddPortableResilience(b => b.AddPipeline(PortableResilience.PublishPipeline));
        services.AddResilientStateStore();

        using var provider = services.BuildServiceProvider();
        var ex = Assert.Throws<KeyNotFoundException>(() => provider.GetRequiredService<IStateStore>());
        Assert.Contains("'state'", ex.Message, StringComparison.Ordinal);
    }

    private sealed class NullPublisher : IMessagePublisher
    {
        public ValueTask<string> PublishAsync(string destination, OutgoingMessage message, CancellationToken cancellationToken = default) => ValueTask.FromResult("id");
    }
}
