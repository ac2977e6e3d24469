using System.Globalization;
using Portable.Compare.Hosts;
using Portable.Emulators.Processes;

namespace Portable.Compare.Engines;

/// <summary>
/// dynalite (npm package <c>dynalite</c>, pinned in package.json): a DynamoDB API on a free loopback port, in memory.
/// Killed on dispose. Limits to know: no TransactWriteItems, no TTL deletion, no UpdateTimeToLive.
/// </summary>
public sealed class DynaliteEngine : IAsyncDisposable
{
    private ChildProcess? _process;
    private string? _workspace;

    /// <summary>The port dynalite listens on.</summary>
    public int Port { get; private set; }

    /// <summary>The endpoint to give the SDK as <c>ServiceURL</c>.</summary>
    public Uri ServiceUrl => new($"http://127.0.0.1:{Port.ToString(CultureInfo.InvariantCulture)}");

    /// <summary>Everything dynalite printed, for failure messages.</summary>
    public string Output => _process?.Output ?? string.Empty;

    /// <summary>Starts dynalite and waits until it listens.</summary>
    /// <exception cref="InvalidOperationException">dynalite is not installed, exited, or did not listen in time.</exception>
    public async Task StartAsync(CancellationToken cancellationToken = default)
    {
        var script = NodeEngines.Script("dynalite", "cli.js");
        Port = FreePort.Next();
        _workspace = Directory.CreateTempSubdirectory("portable-dynalite-").FullName;
        _process = ChildProcess.Start(new ChildProcessOptions
        {
            Name = "dynalite",
            FileName = "node",
            Arguments =
            [
                script,
                "--host", "127.0.0.1",
                "--port", Port.ToString(CultureInfo.InvariantCulture),
                // Tables go ACTIVE at once instead of after dynalite's default 500 ms in CREATING.
                "--createTableMs", "0",
                "--deleteTableMs", "0",
                "--updateTableMs", "0",
            ],
            WorkingDirectory = _workspace,
        });
        await _process.WaitForPortsAsync([Port], TimeSpan.FromSeconds(60), cancellationToken);
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        if (_process is not null)
        {
            await _process.DisposeAsync();
            _process = null;
        }

        if (_workspace is not null)
        {
            Directory.Delete(_workspace, recursive: true);
            _workspace = null;
        }
    }
}
