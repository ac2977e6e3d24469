using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Logging;
using Portable.Local;
using Portable.Emulators.Aws;
using Portable.Emulators.Processes;
using Portable.TestKit;
using Portable.Core.Patterns;

namespace Portable.Conformance.Hosts;

/// <summary>A running host, reachable over HTTP the way its users reach it.</summary>
public interface IHostUnderTest : IAsyncDisposable
{
    /// <summary>A client whose base address is the host's front door.</summary>
    HttpClient Client { get; }
}

/// <summary>Starts each host by name.</summary>
public static class HostsUnderTest
{
    /// <summary>Every host the conformance scenarios run on, each driven through its platform's real protocol.</summary>
    public static readonly string[] Names =
    [
        "local",
        "gcp-cloud-run",
        "aws-http-api-v2",
        "aws-rest-v1",
        "aws-function-url",
        "azure-forwarding",
        "azure-payload",
    ];

    /// <summary>How long one request may take before the scenario fails instead of hanging.</summary>
    public static readonly TimeSpan RequestTimeout = TimeSpan.FromSeconds(30);

    /// <summary>
    /// Bounds every wait for a child process to become ready; generous because all hosts start at once and a
    /// loaded two-core machine has been seen to need several seconds per .NET process start.
    /// </summary>
    public static readonly TimeSpan StartupTimeout = TimeSpan.FromSeconds(60);

    /// <summary>Starts the host named <paramref name="name"/> with empty state.</summary>
    public static async Task<IHostUnderTest> StartAsync(string name) => name switch
    {
        "local" => await LocalUnderTest.StartAsync(),
        "gcp-cloud-run" => await GcpUnderTest.StartAsync(),
        "aws-http-api-v2" => await AwsUnderTest.StartAsync(ApiGatewayEventFormat.HttpApiV2),
        "aws-rest-v1" => await AwsUnderTest.StartAsync(ApiGatewayEventFormat.RestV1),
        "aws-function-url" => await AwsUnderTest.StartAsync(ApiGatewayEventFormat.FunctionUrl),
        "azure-forwarding" => await AzureUnderTest.StartAsync(forwardHttpRequests: true),
        "azure-payload" => await AzureUnderTest.StartAsync(forwardHttpRequests: false),
        _ => throw new ArgumentOutOfRangeException(nameof(name), name, "No such host."),
    };

    private sealed class LocalUnderTest(WebApplication app, string dataDir) : IHostUnderTest
    {
        public HttpClient Client { get; } = new() { BaseAddress = app.BaseAddress(), Timeout = RequestTimeout };

        public static async Task<IHostUnderTest> StartAsync()
        {
            var dataDir = Directory.CreateTempSubdirectory("portable-conformance-").FullName;
            var app = LocalHost.Build(PatternsApp.App, new LocalHostOptions { Port = 0, DataDirectory = dataDir }, l => l.SetMinimumLevel(LogLevel.Warning));
            await app.StartAsync();
            return new LocalUnderTest(app, dataDir);
        }

        public async ValueTask DisposeAsync()
        {
            Client.Dispose();
            await app.DisposeAsync();
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            Directory.Delete(dataDir, recursive: true);
        }
    }

    /// <summary>The Cloud Run host as its container runs it: the real executable with PORT set.</summary>
    private sealed class GcpUnderTest(ChildProcess process, Uri baseAddress) : IHostUnderTest
    {
        public HttpClient Client { get; } = new() { BaseAddress = baseAddress, Timeout = RequestTimeout };

        public static async Task<IHostUnderTest> StartAsync()
        {
            var port = FreePort.Next();
            // From src/Gcp's own output: the test folder holds the test project's dependency set, not the container's.
            var process = ChildProcess.Start(ChildProcessOptions.Dotnet(RepoPaths.BuildOutput("src/Gcp", "Portable.Gcp.dll")) with
            {
                Environment = new Dictionary<string, string?> { ["PORT"] = port.ToString(System.Globalization.CultureInfo.InvariantCulture) },
                WorkingDirectory = AppContext.BaseDirectory,
            });
            var baseAddress = new Uri($"http://127.0.0.1:{port}");
            try
            {
                await process.WaitForHttpAsync(new Uri(baseAddress, "/"), StartupTimeout);
            }
            catch
            {
                await process.DisposeAsync(); // a server that never answered is still killed
                throw;
            }

            return new GcpUnderTest(process, baseAddress);
        }

        public async ValueTask DisposeAsync()
        {
            Client.Dispose();
            await process.DisposeAsync();
        }
    }
}
