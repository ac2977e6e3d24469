using System.Net;
using System.Net.Http.Json;
using Portable.Emulators.Processes;
using Portable.TestKit;

namespace Portable.Local.Tests;

/// <summary>The real `portable` executable, started as a user starts it.</summary>
public sealed class LocalProcessTests : IDisposable
{
    private readonly string _dataDir = Directory.CreateTempSubdirectory("portable-local-").FullName;

    public void Dispose() => Directory.Delete(_dataDir, recursive: true);

    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(30);

    private static ChildProcess Start(params string[] args) =>
        ChildProcess.Start(ChildProcessOptions.Dotnet(Path.Combine(AppContext.BaseDirectory, "Portable.Local.dll"), args) with
        {
            Environment = new Dictionary<string, string?> { ["PORT"] = null },
        });

    [Fact]
    public async Task Run_DefaultCommand_PrintsRoutesAndCurlServesItemsAndStopsOnCtrlC()
    {
        var port = FreePort.Next();
        await using var process = Start("--port", port.ToString(System.Globalization.CultureInfo.InvariantCulture), "--data", _dataDir);
        await process.WaitForLineAsync("Ctrl+C", Patience);
        var banner = process.StandardOutput;
        Assert.Contains("items-api", banner, StringComparison.Ordinal);
        Assert.Contains("GET     /items/{id}", banner, StringComparison.Ordinal);
        Assert.Contains($"curl -si -X POST http://localhost:{port}/items", banner, StringComparison.Ordinal);

        using var client = new HttpClient { BaseAddress = new Uri($"http://localhost:{port}") };
        var created = await client.PostAsJsonAsync("/items", new { name = "Widget", price = 9.99 });
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        Assert.True(File.Exists(Path.Combine(_dataDir, "portable.db")));

        process.Interrupt(); // SIGINT, as Ctrl+C sends
        Assert.Equal(0, await process.WaitForExitAsync(Patience));
    }

    [Fact]
    public async Task Run_BadPort_ExitsWithClearError()
    {
        await using var process = Start("--port", "nope");
        Assert.Equal(2, await process.WaitForExitAsync(Patience));
        Assert.Contains("--port", process.StandardError, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Run_PortInUse_ExitsWithClearError()
    {
        var listener = new System.Net.Sockets.TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        try
        {
            var port = ((IPEndPoint)listener.LocalEndpoint).Port;
            await using var process = Start("--port", port.ToString(System.Globalization.CultureInfo.InvariantCulture), "--data", _dataDir);
            Assert.Equal(1, await process.WaitForExitAsync(Patience));
            Assert.Contains($"Could not listen on port {port}", process.StandardError, StringComparison.Ordinal);
        }
        finally
        {
            listener.Stop();
        }
    }
}
