using Portable.Compare.Engines;

namespace Portable.Engines;

/// <summary>
/// <see cref="AzuriteEngine"/> (blob, queue and table services on free loopback ports, in memory) as an xunit fixture:
/// one per test class (<c>IClassFixture&lt;AzuriteFixture&gt;</c>); killed on dispose.
/// </summary>
public sealed class AzuriteFixture : IAsyncLifetime
{
    private readonly AzuriteEngine _engine = new();

    /// <summary>The blob endpoint port.</summary>
    public int BlobPort => _engine.BlobPort;

    /// <summary>The queue endpoint port.</summary>
    public int QueuePort => _engine.QueuePort;

    /// <summary>The table endpoint port.</summary>
    public int TablePort => _engine.TablePort;

    /// <summary>A storage connection string for all three services, as the Azure SDKs take it.</summary>
    public string ConnectionString => _engine.ConnectionString;

    /// <summary>Everything Azurite printed, for failure messages.</summary>
    public string Output => _engine.Output;

    /// <inheritdoc />
    public Task InitializeAsync() => _engine.StartAsync();

    /// <inheritdoc />
    public Task DisposeAsync() => _engine.DisposeAsync().AsTask();
}
