using Portable.Compare.Engines;

namespace Portable.Engines;

/// <summary>
/// <see cref="DynaliteEngine"/> (a DynamoDB API on a free loopback port, in memory) as an xunit fixture: one per test
/// class; killed on dispose. Limits to know: no TransactWriteItems, no TTL deletion, no UpdateTimeToLive.
/// </summary>
public sealed class DynaliteFixture : IAsyncLifetime
{
    private readonly DynaliteEngine _engine = new();

    /// <summary>The engine itself, for code that takes a <see cref="DynaliteEngine"/>.</summary>
    public DynaliteEngine Engine => _engine;

    /// <summary>The port dynalite listens on.</summary>
    public int Port => _engine.Port;

    /// <summary>The endpoint to give the SDK as <c>ServiceURL</c>.</summary>
    public Uri ServiceUrl => _engine.ServiceUrl;

    /// <summary>Everything dynalite printed, for failure messages.</summary>
    public string Output => _engine.Output;

    /// <inheritdoc />
    public Task InitializeAsync() => _engine.StartAsync();

    /// <inheritdoc />
    public Task DisposeAsync() => _engine.DisposeAsync().AsTask();
}
