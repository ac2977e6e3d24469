using System.Net;
using Polly;
using Portable.Core.Events;
using Portable.Core.Resilience;
using static Portable.Core.Tests.Events.EventTestKit;

namespace Portable.Core.Tests.Resilience;

public sealed class ResilientEventPublisherTests
{
    private readonly SteppedTimeProvider _time = new();
    private readonly RecordingBus _inner = new();
    private readonly ResilientEventPublisher _publisher;

    public ResilientEventPublisherTests()
    {
        var settings = new ResilienceOptionsBuilder().AddPipeline(PortableResilience.PublishPipeline, o =>
        {
            o.AttemptTimeout = null;
            o.MaxRetryAttempts = 2;
            o.BaseDelay = TimeSpan.FromMilliseconds(200);
            o.MaxDelay = TimeSpan.FromSeconds(1);
            o.MinimumThroughput = 1000;
        });
        _publisher = new ResilientEventPublisher(_inner, new PortableResilience(settings, _time).GetPipeline(PortableResilience.PublishPipeline));
    }

    [Fact]
    public async Task PublishAsync_TransientFaultThenSuccess_RetriesTheBatchAndReturnsTheBusIds()
    {
        _inner.Faults.Enqueue(new HttpRequestException("unavailable", null, HttpStatusCode.ServiceUnavailable));
        PortableEvent[] events = [Event("orders", "order.placed", id: "e-1"), Event("orders", "order.paid", id: "e-2")];

        var task = _publisher.PublishAsync(events).AsTask();
        await _time.DriveAsync(task, TimeSpan.FromSeconds(1));

        Assert.Equal(["bus-2-e-1", "bus-2-e-2"], await task);
        Assert.Equal(2, _inner.Calls.Count);
        Assert.All(_inner.Calls, call => Assert.Same(events, call));
    }

    [Fact]
    public async Task PublishAsync_TransientException_IsRetried()
    {
        _inner.Faults.Enqueue(new TransientException("ThrottlingException: Rate exceeded"));

        var task = _publisher.PublishAsync(Event("orders", "order.placed")).AsTask();
        await _time.DriveAsync(task, TimeSpan.FromSeconds(1));

        Assert.Equal("bus-2-evt-1", await task);
    }

    [Fact]
    public async Task PublishAsync_RefusedOutright_PropagatesAfterOneCall()
    {
        _inner.Faults.Enqueue(new InvalidOperationException("AccessDeniedException: not authorized to perform events:PutEvents"));

        await Assert.ThrowsAsync<InvalidOperationException>(() => _publisher.PublishAsync(Event("orders", "order.placed")).AsTask().WaitAsync(TimeSpan.FromSeconds(30)));

        Assert.Single(_inner.Calls);
    }

    [Fact]
    public void Constructor_NullArguments_Throw()
    {
        Assert.Throws<ArgumentNullException>(() => new ResilientEventPublisher(null!, ResiliencePipeline.Empty));
        Assert.Throws<ArgumentNullException>(() => new ResilientEventPublisher(_inner, (ResiliencePipeline)null!));
        Assert.Same(_inner, _publisher.Inner);
    }

    private sealed class RecordingBus : IEventPublisher
    {
        public Queue<Exception> Faults { get; } = new();

        public List<IReadOnlyList<PortableEvent>> Calls { get; } = [];

        public ValueTask<IReadOnlyList<string>> PublishAsync(IReadOnlyList<PortableEvent> events, CancellationToken cancellationToken = default)
        {
            Calls.Add(events);
            if (Faults.TryDequeue(out var fault))
            {
                throw fault;
            }

            return ValueTask.FromResult<IReadOnlyList<string>>([.. events.Select(e => $"bus-{Calls.Count}-{e.Id}")]);
        }
    }
}
