using System.Net;
using System.Net.Sockets;
using System.Text.Json;
using Polly.CircuitBreaker;
using Polly.Timeout;
using Portable.Core.Messaging;
using Portable.Core.Resilience;

namespace Portable.Core.Tests.Resilience;

public sealed class TransientFaultsTests
{
    public static TheoryData<Exception> Transient => new()
    {
        new TransientException("throttled"),
        new TimeoutRejectedException(),
        new IOException("connection reset"),
        new EndOfStreamException(),
        new SocketException((int)SocketError.ConnectionRefused),
        new HttpRequestException("no connection"),
        new HttpRequestException("timeout", null, HttpStatusCode.RequestTimeout),
        new HttpRequestException("slow down", null, HttpStatusCode.TooManyRequests),
        new HttpRequestException("boom", null, HttpStatusCode.InternalServerError),
        new HttpRequestException("bad gateway", null, HttpStatusCode.BadGateway),
        new HttpRequestException("unavailable", null, HttpStatusCode.ServiceUnavailable),
        new TaskCanceledException("HttpClient.Timeout elapsed"),
        new OperationCanceledException("an SDK gave up"),
        new AggregateException(new IOException(), new TransientException("x")),
    };

    public static TheoryData<Exception> NotTransient => new()
    {
        new PermanentFailureException("bad data"),
        new ArgumentException("bad argument"),
        new ArgumentNullException("name"),
        new ArgumentOutOfRangeException("limit"),
        new JsonException("not JSON"),
        new BrokenCircuitException(),
        new IsolatedCircuitException(),
        new FileNotFoundException(),
        new DirectoryNotFoundException(),
        new HttpRequestException("bad request", null, HttpStatusCode.BadRequest),
        new HttpRequestException("not found", null, HttpStatusCode.NotFound),
        new HttpRequestException("conflict", null, HttpStatusCode.Conflict),
        new HttpRequestException("forbidden", null, HttpStatusCode.Forbidden),
        new InvalidOperationException("a bug"),
        new NullReferenceException(),
        new AggregateException(new IOException(), new PermanentFailureException("x")),
        new AggregateException(),
    };

    [Theory]
    [MemberData(nameof(Transient))]
    public void IsTransient_TransientFault_IsTrue(Exception fault)
    {
        Assert.True(TransientFaults.IsTransient(fault));
    }

    [Theory]
    [MemberData(nameof(NotTransient))]
    public void IsTransient_PermanentOrUnknownFault_IsFalse(Exception fault)
    {
        Assert.False(TransientFaults.IsTransient(fault));
    }

    [Fact]
    public void IsTransient_CancellationWhenTheCallerCancelled_IsFalse()
    {
        using var caller = new CancellationTokenSource();
        caller.Cancel();

        Assert.False(TransientFaults.IsTransient(new OperationCanceledException(caller.Token), caller.Token));
        Assert.False(TransientFaults.IsTransient(new TaskCanceledException("any"), caller.Token));
    }

    [Fact]
    public void IsTransient_CancellationWhileTheCallerIsStillWaiting_IsTrue()
    {
        using var caller = new CancellationTokenSource();
        using var sdkTimeout = new CancellationTokenSource();
        sdkTimeout.Cancel();

        Assert.True(TransientFaults.IsTransient(new TaskCanceledException("sdk timeout", null, sdkTimeout.Token), caller.Token));
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void IsTransient_DatabaseFault_FollowsTheProvidersVerdict(bool transient)
    {
        Assert.Equal(transient, TransientFaults.IsTransient(new ProviderException(transient)));
    }

    [Theory]
    [InlineData(408, true)]
    [InlineData(429, true)]
    [InlineData(500, true)]
    [InlineData(503, true)]
    [InlineData(599, true)]
    [InlineData(400, false)]
    [InlineData(401, false)]
    [InlineData(404, false)]
    [InlineData(409, false)]
    [InlineData(412, false)]
    [InlineData(200, false)]
    public void IsTransientStatus_ByCode(int status, bool expected)
    {
        Assert.Equal(expected, TransientFaults.IsTransientStatus((HttpStatusCode)status));
    }

    [Fact]
    public void RetryAfter_FromTransientException_IsTheServiceHint()
    {
        Assert.Equal(TimeSpan.FromSeconds(3), TransientFaults.RetryAfter(new TransientException("throttled", TimeSpan.FromSeconds(3))));
        Assert.Equal(TimeSpan.FromSeconds(3), TransientFaults.RetryAfter(new AggregateException(new TransientException("throttled", TimeSpan.FromSeconds(3)))));
        Assert.Null(TransientFaults.RetryAfter(new TransientException("no hint")));
        Assert.Null(TransientFaults.RetryAfter(new IOException()));
        Assert.Null(TransientFaults.RetryAfter(null));
    }

    private sealed class ProviderException(bool transient) : System.Data.Common.DbException("provider fault")
    {
        public override bool IsTransient => transient;
    }
}
