using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Runtime.InteropServices;
using System.Text;
using Portable.TestKit;

namespace Portable.Local.Tests;

/// <summary>The real `portable` executable, started as a user starts it.</summary>
public sealed class LocalProcessTests : IDisposable
{
    private readonly string _dataDir = Directory.CreateTempSubdirectory("portable-local-").FullName;

    public void Dispose() => Directory.Delete(_dataDir, recursive: true);

    private static Process Start(params string[] args)
    {
        var info = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        info.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "Portable.Local.dll"));
        foreach (var arg in args)
        {
            info.ArgumentList.Add(arg);
        }

        info.Environment.Remove("PORT");
        return Process.Start(info)!;
    }

    private static async Task<string> ReadUntilAsync(Process process, string marker, TimeSpan timeout)
    {
        var output = new StringBuilder();
        using var cts = new CancellationTokenSource(timeout);
        while (!output.ToString().Contains(marker, StringComparison.Ordinal))
        {
            var line = await process.StandardOutput.ReadLineAsync(cts.Token);
            if (line is null)
            {
                Assert.Fail($"The host exited before printing '{marker}'. Output:\n{output}\nErrors:\n{await process.StandardError.ReadToEndAsync(cts.Token)}");
            }

            output.AppendLine(line);
        }

        return output.ToString();
    }

    [Fact]
    public async Task Run_DefaultCommand_PrintsRoutesAndCurlServesItemsAndStopsOnCtrlC()
    {
        var port = FreePort.Next();
        using var process = Start("--port", port.ToString(System.Globalization.CultureInfo.InvariantCulture), "--data", _dataDir);
        try
        {
            var banner = await ReadUntilAsync(process, "Ctrl+C", TimeSpan.FromSeconds(30));
            Assert.Contains("items-api", banner, StringComparison.Ordinal);
            Assert.Contains("GET     /items/{id}", banner, StringComparison.Ordinal);
            Assert.Contains($"curl -si -X POST http://localhost:{port}/items", banner, StringComparison.Ordinal);

            using var client = new HttpClient { BaseAddress = new Uri($"http://localhost:{port}") };
            var created = await client.PostAsJsonAsync("/items", new { name = "Widget", price = 9.99 });
            Assert.Equal(HttpStatusCode.Created, created.StatusCode);
            Assert.True(File.Exists(Path.Combine(_dataDir, "portable.db")));

            Assert.Equal(0, Kill(process.Id, 2)); // SIGINT, as Ctrl+C sends
            await process.WaitForExitAsync(new CancellationTokenSource(TimeSpan.FromSeconds(30)).Token);
            Assert.Equal(0, process.ExitCode);
        }
        finally
        {
            if (!process.HasExited)
            {
                process.Kill(entireProcessTree: true);
            }
        }
    }

    [Fact]
    public async Task Run_BadPort_ExitsWithClearError()
    {
        using var process = Start("--port", "nope");
        await process.WaitForExitAsync(new CancellationTokenSource(TimeSpan.FromSeconds(30)).Token);
        Assert.Equal(2, process.ExitCode);
        Assert.Contains("--port", await process.StandardError.ReadToEndAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Run_PortInUse_ExitsWithClearError()
    {
        var listener = new System.Net.Sockets.TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        try
        {
            var port = ((IPEndPoint)listener.LocalEndpoint).Port;
            using var process = Start("--port", port.ToString(System.Globalization.CultureInfo.InvariantCulture), "--data", _dataDir);
            await process.WaitForExitAsync(new CancellationTokenSource(TimeSpan.FromSeconds(30)).Token);
            Assert.Equal(1, process.ExitCode);
            Assert.Contains($"Could not listen on port {port}", await process.StandardError.ReadToEndAsync(), StringComparison.Ordinal);
        }
        finally
        {
            listener.Stop();
        }
    }

    [DllImport("libc", EntryPoint = "kill", SetLastError = true)]
    private static extern int Kill(int pid, int signal);
}
