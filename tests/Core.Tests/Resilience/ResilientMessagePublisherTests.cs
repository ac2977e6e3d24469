using System.Net;
using System.Text;
using Polly;
using Portable.Core.Messaging;
using Portable.Core.Resilience;

namespace Portable.Core.Tests.Resilience;

public sealed class ResilientMessagePublisherTests
{
    private readonly SteppedTimeProvider _time = new();
    private readonly RecordingPublisher _inner = new();
    private readonly ResilientMessagePublisher _publisher;

    public ResilientMessagePublisherTests()
    {
        var settings = new ResilienceOptionsBuilder().AddPipeline(PortableResilience.PublishPipeline, o =>
        {
            o.AttemptTimeout = null;
            o.MaxRetryAttempts = 2;
            o.BaseDelay = TimeSpan.FromMilliseconds(200);
            o.MaxDelay = TimeSpan.FromSeconds(1);
            o.MinimumThroughput = 1000;
        });
        _publisher = new ResilientMessagePublisher(_inner, new PortableResilience(settings, _time).GetPipeline(PortableResilience.PublishPipeline));
    }

    private static OutgoingMessage Message() =>
        new(Encoding.UTF8.GetBytes("""{"id":1}"""), new Dictionary<string, string> { ["traceparent"] = "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01" }, "m-1");

    [Fact]
    public async Task PublishAsync_TransientFaultThenSuccess_RetriesAndReturnsThePlatformId()
    {
        _inner.Faults.Enqueue(new HttpRequestException("unavailable", null, HttpStatusCode.ServiceUnavailable));
        var message = Message();

        var task = _publisher.PublishAsync("orders", message).AsTask();
        await _time.DriveAsync(task, TimeSpan.FromSeconds(1));

        Assert.Equal("platform-2", await task);
        Assert.Equal(2, _inner.Sent.Count);
        Assert.All(_inner.Sent, s =>
        {
            Assert.Equal("orders", s.Destination);
            Assert.Same(message, s.Message);
        });
    }

    [Fact]
    public async Task PublishAsync_ClientError_PropagatesAfterOneCall()
    {
        _inner.Faults.Enqueue(new HttpRequestException("forbidden", null, HttpStatusCode.Forbidden));

        await Assert.ThrowsAsync<HttpRequestException>(() => _publisher.PublishAsync("orders", Message()).AsTask().WaitAsync(TimeSpan.FromSeconds(30)));

        Assert.Single(_inner.Sent);
    }

    [Fact]
    public async Task PublishAsync_TransientFaultEveryTime_GivesUpAfterMaxRetryAttempts()
    {
        for (var i = 0; i < 10; i++)
        {
            _inner.Faults.Enqueue(new IOException("reset"));
        }

        var task = _publisher.PublishAsync("orders", Message()).AsTask();
        await _time.DriveAsync(task, TimeSpan.FromSeconds(1));

        await Assert.ThrowsAsync<IOException>(() => task);
        Assert.Equal(3, _inner.Sent.Count);
    }

    [Fact]
    public void Constructor_NullArguments_Throw()
    {
        Assert.Throws<ArgumentNullException>(() => new ResilientMessagePublisher(null!, ResiliencePipeline.Empty));
        Assert.Throws<ArgumentNullException>(() => new ResilientMessagePublisher(_inner, null!));
        Assert.Same(_inner, _publisher.Inner);
    }

    private sealed class RecordingPublisher : IMessagePublisher
    {
        public Queue<Exception> Faults { get; } = new();

        public List<(string Destination, OutgoingMessage Message)> Sent { get; } = [];

        public ValueTask<string> PublishAsync(string destination, OutgoingMessage message, CancellationToken cancellationToken = default)
        {
            lock (Sent)
            {
                Sent.Add((destination, message));
                return Faults.TryDequeue(out var fault) ? ValueTask.FromException<string>(fault) : ValueTask.FromResult($"platform-{Sent.Count}");
            }
        }
    }
}
