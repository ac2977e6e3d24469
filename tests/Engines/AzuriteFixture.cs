using Portable.Emulators.Processes;
using Portable.TestKit;

namespace Portable.Engines;

/// <summary>
/// Azurite (npm package <c>azurite</c>, pinned in package.json) with blob, queue and table services on free loopback
/// ports, in-memory persistence. One per test class (<c>IClassFixture&lt;AzuriteFixture&gt;</c>); killed on dispose.
/// </summary>
public sealed class AzuriteFixture : IAsyncLifetime
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

    /// <inheritdoc />
    public async Task InitializeAsync()
    {
        // A free port can be taken by another process between being picked and Azurite binding it (the test classes
        // start their engines at once): on EADDRINUSE, start again on new ports, twice at most.
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                await StartAsync();
                return;
            }
            catch (ChildProcessException ex) when (attempt < 3 && ex.Output.Contains("EADDRINUSE", StringComparison.Ordinal))
            {
                await DisposeAsync();
            }
        }
    }

    private async Task StartAsync()
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
        await _process.WaitForPortsAsync([BlobPort, QueuePort, TablePort], TimeSpan.FromSeconds(90));
    }

    /// <inheritdoc />
    public async Task DisposeAsync()
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

    private static string Num(int port) => port.ToString(System.Globalization.CultureInfo.InvariantCulture);
}
