using System.Globalization;
using Portable.Emulators.Processes;
using Portable.TestKit;

namespace Portable.Engines;

/// <summary>
/// s3rver (npm package <c>s3rver</c>, pinned in package.json): an S3 API on a free loopback port, storing objects in a
/// temporary folder. Path-style addressing, any credentials (signatures are checked for shape only). One per test
/// class; killed and its folder deleted on dispose. Fails loudly when it cannot start. Limits to know: no versioning
/// (a <c>versionId</c> on GetObject is ignored), no event notifications.
/// </summary>
public sealed class S3rverFixture : IAsyncLifetime
{
    private ChildProcess? _process;
    private string? _workspace;

    /// <summary>The port s3rver listens on.</summary>
    public int Port { get; private set; }

    /// <summary>The endpoint to give the SDK as <c>ServiceURL</c> (with <c>ForcePathStyle</c>).</summary>
    public Uri ServiceUrl => new($"http://127.0.0.1:{Port.ToString(CultureInfo.InvariantCulture)}");

    /// <summary>Everything s3rver printed, for failure messages.</summary>
    public string Output => _process?.Output ?? string.Empty;

    /// <inheritdoc />
    public async Task InitializeAsync()
    {
        var script = NodeEngines.Script("s3rver", Path.Combine("bin", "s3rver.js"));
        Port = FreePort.Next();
        _workspace = Directory.CreateTempSubdirectory("portable-s3rver-").FullName;
        _process = ChildProcess.Start(new ChildProcessOptions
        {
            Name = "s3rver",
            FileName = "node",
            Arguments =
            [
                script,
                "--directory", Path.Combine(_workspace, "data"),
                "--address", "127.0.0.1",
                "--port", Port.ToString(CultureInfo.InvariantCulture),
                // Any access key and secret: the SDK signs with placeholder credentials.
                "--allow-mismatched-signatures",
                // Path-style only: a loopback address has no per-bucket host names.
                "--no-vhost-buckets",
            ],
            WorkingDirectory = _workspace,
        });
        await _process.WaitForPortsAsync([Port], TimeSpan.FromSeconds(60));
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
