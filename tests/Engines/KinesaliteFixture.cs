using Portable.Emulators.Aws;
using Portable.Emulators.Processes;
using Portable.TestKit;

namespace Portable.Engines;

/// <summary>
/// kinesalite (npm package <c>kinesalite</c>, pinned in package.json): a Kinesis Data Streams API on a free loopback
/// port, in memory. One per test class; killed on dispose. Start-up fails loudly: a missing package names
/// <c>npm ci</c>, an engine that exits or never listens fails the class with its output. Streams go ACTIVE at once.
/// </summary>
public sealed class KinesaliteFixture : IAsyncLifetime
{
    private ChildProcess? _process;
    private string? _workspace;

    /// <summary>The port kinesalite listens on.</summary>
    public int Port { get; private set; }

    /// <summary>The endpoint for <see cref="KinesisApiClient"/> and the event source emulator.</summary>
    public Uri Endpoint => new($"http://127.0.0.1:{Port}/");

    /// <summary>Everything kinesalite printed, for failure messages.</summary>
    public string Output => _process?.Output ?? string.Empty;

    /// <summary>A client for this engine; the caller disposes it.</summary>
    public KinesisApiClient Client() => new(Endpoint);

    /// <summary>Creates a stream named <paramref name="name"/> with <paramref name="shards"/> shards and waits until it is ACTIVE.</summary>
    public async Task CreateStreamAsync(string name, int shards)
    {
        using var client = Client();
        await client.CreateStreamAsync(name, shards);
        await client.WaitForActiveAsync(name, TimeSpan.FromSeconds(30));
    }

    /// <inheritdoc />
    public async Task InitializeAsync()
    {
        var script = NodeEngines.Script("kinesalite", "cli.js");
        Port = FreePort.Next();
        _workspace = Directory.CreateTempSubdirectory("portable-kinesalite-").FullName;
        _process = ChildProcess.Start(new ChildProcessOptions
        {
            Name = "kinesalite",
            FileName = "node",
            Arguments =
            [
                script,
                "--port", Port.ToString(System.Globalization.CultureInfo.InvariantCulture),
                // Streams go ACTIVE at once instead of after kinesalite's default 500 ms in CREATING.
                "--createStreamMs", "0",
                "--deleteStreamMs", "0",
                "--updateStreamMs", "0",
                // Every test makes a stream of its own; kinesalite's default limit is 10 shards in all.
                "--shardLimit", "1000",
            ],
            WorkingDirectory = _workspace,
        });
        await _process.WaitForLineAsync("Listening at", TimeSpan.FromSeconds(60));
        await _process.WaitForPortsAsync([Port], TimeSpan.FromSeconds(30));
    }

    /// <inheritdoc />
    public async Task DisposeAsync()
    {
        if (_process is not null)
        {
            await _process.DisposeAsync();
        }

        if (_workspace is not null)
        {
            Directory.Delete(_workspace, recursive: true);
        }
    }
}
