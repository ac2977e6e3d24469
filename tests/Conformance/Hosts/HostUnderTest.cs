using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Logging;
using Portable.Local;
using Portable.TestKit;

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
    /// <summary>Every host the conformance scenarios run on.</summary>
    public static readonly string[] Names = ["local", "gcp-cloud-run"];

    /// <summary>Starts the host named <paramref name="name"/> with empty state.</summary>
    public static async Task<IHostUnderTest> StartAsync(string name) => name switch
    {
        "local" => await LocalUnderTest.StartAsync(),
        "gcp-cloud-run" => await GcpUnderTest.StartAsync(),
        _ => throw new ArgumentOutOfRangeException(nameof(name), name, "No such host."),
    };

    private sealed class LocalUnderTest(WebApplication app, string dataDir) : IHostUnderTest
    {
        public HttpClient Client { get; } = new() { BaseAddress = app.BaseAddress() };

        public static async Task<IHostUnderTest> StartAsync()
        {
            var dataDir = Directory.CreateTempSubdirectory("portable-conformance-").FullName;
            var app = LocalHost.Build(new LocalHostOptions { Port = 0, DataDirectory = dataDir }, l => l.SetMinimumLevel(LogLevel.Warning));
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
    private sealed class GcpUnderTest(ServerProcess process, Uri baseAddress) : IHostUnderTest
    {
        public HttpClient Client { get; } = new() { BaseAddress = baseAddress };

        public static async Task<IHostUnderTest> StartAsync()
        {
            var port = FreePort.Next();
            var process = ServerProcess.StartDotnet("Portable.Gcp.dll", new Dictionary<string, string?> { ["PORT"] = port.ToString(System.Globalization.CultureInfo.InvariantCulture) });
            var baseAddress = new Uri($"http://127.0.0.1:{port}");
            await process.WaitUntilAnsweringAsync(new Uri(baseAddress, "/"), TimeSpan.FromSeconds(30));
            return new GcpUnderTest(process, baseAddress);
        }

        public async ValueTask DisposeAsync()
        {
            Client.Dispose();
            await process.DisposeAsync();
        }
    }
}
