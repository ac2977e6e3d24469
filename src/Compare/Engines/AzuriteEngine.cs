using System.Globalization;
using Portable.Compare.Hosts;
using Portable.Emulators.Processes;

namespace Portable.Compare.Engines;

/// <summary>
/// Azurite (npm package <c>azurite</c>, pinned in package.json) with blob, queue and table services on free loopback
/// ports, in-memory persistence, in a fresh temporary working folder. Killed and its folder deleted on dispose.
/// </summary>
public sealed class AzuriteEngine : IAsyncDisposable
{
    // Azurite's well-known development account; it accepts no other by default.
    private const string AccountName = "devstoreaccount1";
    private const string AccountKey = "Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==";

    private ChildProcess? _process;
    private string? _workspace;

    /// <summary>The blob endpoint port.</summary>
    public int BlobPort { get; private set; }

    /// <summary>The queue endpoint port.</summary>
    public int QueuePort { get; private set; }

    /// <summary>The table endpoint port.</summary>
    public int TablePort { get; private set; }

    /// <summary>A storage connection string for all three services, as the Azure SDKs take it.</summary>
    public string ConnectionString =>
        $"DefaultEndpointsProtocol=http;AccountName={AccountName};AccountKey={AccountKey};" +
        $"BlobEndpoint=http://127.0.0.1:{BlobPort}/{AccountName};" +
        $"QueueEndpoint=http://127.0.0.1:{QueuePort}/{AccountName};" +
        $"TableEndpoint=http://127.0.0.1:{TablePort}/{AccountName};";

    /// <summary>Everything Azurite printed, for failure messages.</summary>
    public string Output => _process?.Output ?? string.Empty;

    /// <summary>Starts Azurite and waits until all three services listen.</summary>
    /// <exception cref="InvalidOperationException">Azurite is not installed, exited, or did not listen in time.</exception>
    public async Task StartAsync(CancellationToken cancellationToken = default)
    {
        // A free port can be taken by another process between being picked and Azurite binding it (engines start at
        // once): on EADDRINUSE, start again on new ports, twice at most.
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                await StartOnceAsync(cancellationToken);
                return;
            }
            catch (ChildProcessException ex) when (attempt < 3 && ex.Output.Contains("EADDRINUSE", StringComparison.Ordinal))
            {
                await DisposeAsync();
            }
        }
    }

    private async Task StartOnceAsync(CancellationToken cancellationToken)
    {
        var script = NodeEngines.Script("azurite", Path.Combine("dist", "src", "azurite.js"));
        BlobPort = FreePort.Next();
        QueuePort = FreePort.Next();
        TablePort = FreePort.Next();

        // --inMemoryPersistence cannot be combined with --location, so the working directory is a fresh temp folder
        // (Azurite may still write its debug or extent files under the cwd).
        _workspace = Directory.CreateTempSubdirectory("portable-azurite-").FullName;
        _process = ChildProcess.Start(new ChildProcessOptions
        {
            Name = "Azurite",
            FileName = "node",
            Arguments =
            [
                script,
                "--inMemoryPersistence",
                // The Azure SDKs ask for service versions newer than Azurite 3.37 knows (checked on this machine).
                "--skipApiVersionCheck",
                "--disableTelemetry",
                "--silent",
                "--extentMemoryLimit", "256",
                "--blobHost", "127.0.0.1", "--blobPort", Num(BlobPort),
                "--queueHost", "127.0.0.1", "--queuePort", Num(QueuePort),
                "--tableHost", "127.0.0.1", "--tablePort", Num(TablePort),
            ],
            WorkingDirectory = _workspace,
        });

        // Azurite loads a large module graph before listening: several seconds on a 2-core machine.
        await _process.WaitForPortsAsync([BlobPort, QueuePort, TablePort], TimeSpan.FromSeconds(90), cancellationToken);
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

    private static string Num(int port) => port.ToString(CultureInfo.InvariantCulture);
}
