using System.Net;
using System.Text;
using Polly;
using Portable.Core.Messaging;
using Portable.Core.Resilience;
using Portable.Testing;
using Portable.Core.State;

namespace Portable.Core.Tests.Resilience;

public sealed class ResilientStateStoreTests
{
    private readonly SteppedTimeProvider _time = new();
    private readonly RecordingLoggerProvider _logs = new();
    private readonly FlakyStateStore _inner;
    private readonly ResilientStateStore _store;

    public ResilientStateStoreTests()
    {
        _inner = new FlakyStateStore(new InMemoryStateStore(_time));
        var settings = new ResilienceOptionsBuilder().AddPipeline(PortableResilience.StatePipeline, o =>
        {
            o.Timeout = TimeSpan.FromDays(1);
            o.AttemptTimeout = null;
            o.MaxRetryAttempts = 3;
            o.BaseDelay = TimeSpan.FromMilliseconds(100);
            o.MaxDelay = TimeSpan.FromSeconds(1);
            o.MinimumThroughput = 1000;
        });
        _store = new ResilientStateStore(_inner, new PortableResilience(settings, _time, _logs.CreateLoggerFactory()).GetPipeline(PortableResilience.StatePipeline));
    }

    private static ReadOnlyMemory<byte> Bytes(string text) => Encoding.UTF8.GetBytes(text);

    private async Task<T> Drive<T>(ValueTask<T> call)
    {
        var task = call.AsTask();
        await _time.DriveAsync(task, TimeSpan.FromSeconds(1));
        return await task;
    }

    [Fact]
    public async Task PutAsync_TransientFaultsThenSuccess_RetriesAndWrites()
    {
        _inner.FailNext(new TransientException("throttled"), new HttpRequestException("unavailable", null, HttpStatusCode.ServiceUnavailable));

        var written = await Drive(_store.PutAsync("items", "a", Bytes("1")));

        Assert.True(written.Succeeded);
        Assert.Equal(3, _inner.Calls["Put"]);
        Assert.Equal("1", Encoding.UTF8.GetString((await _inner.Inner.GetAsync("items", "a"))!.Value.Span));
        Assert.Equal(2, _logs.WithEventId(7001).Count);
    }

    [Fact]
    public async Task GetAsync_TransientFault_RetriesAndReads()
    {
        await _inner.Inner.PutAsync("items", "a", Bytes("1"));
        _inner.FailNext(new IOException("connection reset"));

        var entry = await Drive(_store.GetAsync("items", "a"));

        Assert.Equal("a", entry!.Key);
        Assert.Equal(2, _inner.Calls["Get"]);
    }

    [Fact]
    public async Task ListAsync_TransientFault_RetriesAndLists()
    {
        await _inner.Inner.PutAsync("items", "a", Bytes("1"));
        _inner.FailNext(new TransientException("busy"));

        var page = await Drive(_store.ListAsync("items", 10));

        Assert.Single(page.Entries);
        Assert.Equal(2, _inner.Calls["List"]);
    }

    [Fact]
    public async Task InsertAsync_KeyAlreadyTaken_ReturnsConflictAfterOneCall()
    {
        await _inner.Inner.PutAsync("items", "a", Bytes("first"));

        var result = await _store.InsertAsync("items", "a", Bytes("second")).AsTask().WaitAsync(TimeSpan.FromSeconds(30));

        Assert.Equal(StateWriteResult.Conflict, result);
        Assert.Equal(1, _inner.Calls["Insert"]);
        Assert.Empty(_logs.WithEventId(7001));
    }

    [Fact]
    public async Task ReplaceAsync_StaleETag_ReturnsConflictAfterOneCallAndKeepsTheValue()
    {
        var first = await _inner.Inner.PutAsync("items", "a", Bytes("1"));
        await _inner.Inner.PutAsync("items", "a", Bytes("2"));

        var result = await _store.ReplaceAsync("items", "a", Bytes("3"), first.ETag!).AsTask().WaitAsync(TimeSpan.FromSeconds(30));

        Assert.False(result.Succeeded);
        Assert.Equal(1, _inner.Calls["Replace"]);
        Assert.Equal("2", Encoding.UTF8.GetString((await _inner.Inner.GetAsync("items", "a"))!.Value.Span));
        Assert.Empty(_logs.WithEventId(7001));
    }

    [Fact]
    public async Task ReplaceAsync_TransientFaultThenCurrentETag_RetriesAndWrites()
    {
        var current = await _inner.Inner.PutAsync("items", "a", Bytes("1"));
        _inner.FailNext(new TransientException("throttled"));

        var result = await Drive(_store.ReplaceAsync("items", "a", Bytes("2"), current.ETag!));

        Assert.True(result.Succeeded);
        Assert.Equal(2, _inner.Calls["Replace"]);
    }

    [Fact]
    public async Task DeleteAsync_StaleETag_ReturnsFalseAfterOneCall()
    {
        var first = await _inner.Inner.PutAsync("items", "a", Bytes("1"));
        await _inner.Inner.PutAsync("items", "a", Bytes("2"));

        var deleted = await _store.DeleteAsync("items", "a", first.ETag).AsTask().WaitAsync(TimeSpan.FromSeconds(30));

        Assert.False(deleted);
        Assert.Equal(1, _inner.Calls["Delete"]);
    }

    [Fact]
    public async Task DeleteAsync_TransientFault_RetriesAndDeletes()
    {
        await _inner.Inner.PutAsync("items", "a", Bytes("1"));
        _inner.FailNext(new TransientException("throttled"));

        Assert.True(await Drive(_store.DeleteAsync("items", "a")));
        Assert.Equal(2, _inner.Calls["Delete"]);
        Assert.Null(await _inner.Inner.GetAsync("items", "a"));
    }

    [Fact]
    public async Task InsertAsync_PermanentFault_PropagatesAfterOneCall()
    {
        _inner.FailNext(new PermanentFailureException("value too large"));

        await Assert.ThrowsAsync<PermanentFailureException>(() => _store.InsertAsync("items", "a", Bytes("1")).AsTask().WaitAsync(TimeSpan.FromSeconds(30)));

        Assert.Equal(1, _inner.Calls["Insert"]);
    }

    [Fact]
    public async Task ListAsync_InvalidLimit_ThrowsTheArgumentErrorAfterOneCall()
    {
        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => _store.ListAsync("items", 0).AsTask().WaitAsync(TimeSpan.FromSeconds(30)));

        Assert.Equal(1, _inner.Calls["List"]);
    }

    [Fact]
    public async Task PutAsync_TransientFaultsBeyondTheRetries_ThrowsTheLastFault()
    {
        _inner.FailNext(Enumerable.Range(1, 4).Select(i => (Exception)new TransientException($"down {i}")).ToArray());

        var task = _store.PutAsync("items", "a", Bytes("1")).AsTask();
        await _time.DriveAsync(task, TimeSpan.FromSeconds(1));

        Assert.Equal("down 4", (await Assert.ThrowsAsync<TransientException>(() => task)).Message);
        Assert.Equal(4, _inner.Calls["Put"]);
        Assert.Null(await _inner.Inner.GetAsync("items", "a"));
    }

    [Fact]
    public async Task Calls_PassTheCallerTokenThrough()
    {
        using var caller = new CancellationTokenSource();
        await caller.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => _store.GetAsync("items", "a", caller.Token).AsTask().WaitAsync(TimeSpan.FromSeconds(30)));
    }

    [Fact]
    public void Constructor_NullArguments_Throw()
    {
        Assert.Throws<ArgumentNullException>(() => new ResilientStateStore(null!, ResiliencePipeline.Empty));
        Assert.Throws<ArgumentNullException>(() => new ResilientStateStore(_inner, null!));
        Assert.Same(_inner, _store.Inner);
    }

    /// <summary>Throws the queued faults (one per call, any operation) before passing calls to the real store; counts calls per operation.</summary>
    private sealed class FlakyStateStore(IStateStore inner) : IStateStore
    {
        private readonly Queue<Exception> _faults = new();

        public IStateStore Inner => inner;

        public Dictionary<string, int> Calls { get; } = new(StringComparer.Ordinal)
        {
            ["Get"] = 0, ["Insert"] = 0, ["Replace"] = 0, ["Put"] = 0, ["Delete"] = 0, ["List"] = 0,
        };

        public void FailNext(params Exception[] faults)
        {
            lock (_faults)
            {
                foreach (var fault in faults)
                {
                    _faults.Enqueue(fault);
                }
            }
        }

        public ValueTask<StateEntry?> GetAsync(string collection, string key, CancellationToken cancellationToken = default)
        {
            Enter("Get", cancellationToken);
            return inner.GetAsync(collection, key, cancellationToken);
        }

        public ValueTask<StateWriteResult> InsertAsync(string collection, string key, ReadOnlyMemory<byte> value, DateTimeOffset? expiresAt = null, CancellationToken cancellationToken = default)
        {
            Enter("Insert", cancellationToken);
            return inner.InsertAsync(collection, key, value, expiresAt, cancellationToken);
        }

        public ValueTask<StateWriteResult> ReplaceAsync(string collection, string key, ReadOnlyMemory<byte> value, string ifMatch, DateTimeOffset? expiresAt = null, CancellationToken cancellationToken = default)
        {
            Enter("Replace", cancellationToken);
            return inner.ReplaceAsync(collection, key, value, ifMatch, expiresAt, cancellationToken);
        }

        public ValueTask<StateWriteResult> PutAsync(string collection, string key, ReadOnlyMemory<byte> value, DateTimeOffset? expiresAt = null, CancellationToken cancellationToken = default)
        {
            Enter("Put", cancellationToken);
            return inner.PutAsync(collection, key, value, expiresAt, cancellationToken);
        }

        public ValueTask<bool> DeleteAsync(string collection, string key, string? ifMatch = null, CancellationToken cancellationToken = default)
        {
            Enter("Delete", cancellationToken);
            return inner.DeleteAsync(collection, key, ifMatch, cancellationToken);
        }

        public ValueTask<StatePage> ListAsync(string collection, int limit, string? afterKey = null, CancellationToken cancellationToken = default)
        {
            Enter("List", cancellationToken);
            return inner.ListAsync(collection, limit, afterKey, cancellationToken);
        }

        private void Enter(string operation, CancellationToken cancellationToken)
        {
            lock (_faults)
            {
                Calls[operation]++;
                cancellationToken.ThrowIfCancellationRequested();
                if (_faults.TryDequeue(out var fault))
                {
                    throw fault;
                }
            }
        }
    }
}
