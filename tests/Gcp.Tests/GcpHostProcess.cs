using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Runtime.InteropServices;
using Portable.TestKit;

namespace Portable.Gcp.Tests;

/// <summary>The real Portable.Gcp, started as Cloud Run starts it: <c>dotnet Portable.Gcp.dll</c> with <c>PORT</c> set.</summary>
internal sealed class GcpHostProcess : IAsyncDisposable
{
    /// <summary>How long any single wait on the child may take before the test fails (not a timing assertion).</summary>
    public static readonly TimeSpan Patience = TimeSpan.FromSeconds(30);

    private readonly List<string> _stdout = [];
    private readonly List<string> _stderr = [];

    private GcpHostProcess(Process process, int port)
    {
        Process = process;
        Port = port;
    }

    public Process Process { get; }

    public int Port { get; }

    public Uri BaseAddress => new($"http://127.0.0.1:{Port}");

    public string StandardOutput { get { lock (_stdout) { return string.Join('\n', _stdout); } } }

    public string StandardError { get { lock (_stderr) { return string.Join('\n', _stderr); } } }

    /// <summary>Starts the host with a free <c>PORT</c> plus <paramref name="environment"/> (a null value unsets a variable).</summary>
    public static GcpHostProcess Start(params (string Name, string? Value)[] environment) => StartOnPort(FreePort.Next(), environment);

    /// <summary>
    /// Starts the host on <paramref name="port"/>, from src/Gcp's own build output (the test bin folder has the wrong
    /// dependency set). Pub/Sub and metadata variables are cleared so nothing reaches Google from a test.
    /// </summary>
    public static GcpHostProcess StartOnPort(int port, params (string Name, string? Value)[] environment)
    {
        var dll = RepoPaths.BuildOutput("src/Gcp", "Portable.Gcp.dll");
        var info = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = Path.GetDirectoryName(dll)!,
        };
        info.ArgumentList.Add(dll);
        foreach (var name in new[] { "FUNCTION_TARGET", "GOOGLE_CLOUD_PROJECT", "ASPNETCORE_URLS", "ASPNETCORE_HTTP_PORTS", "ASPNETCORE_HTTPS_PORTS", "PUBSUB_EMULATOR_HOST", "GCE_METADATA_HOST" })
        {
            info.Environment.Remove(name);
        }

        info.Environment["PORT"] = port.ToString(System.Globalization.CultureInfo.InvariantCulture);
        foreach (var (name, value) in environment)
        {
            info.Environment[name] = value;
        }

        var host = new GcpHostProcess(new Process { StartInfo = info }, port);
        host.Process.OutputDataReceived += (_, e) => Append(host._stdout, e.Data);
        host.Process.ErrorDataReceived += (_, e) => Append(host._stderr, e.Data);
        host.Process.Start();
        host.Process.BeginOutputReadLine();
        host.Process.BeginErrorReadLine();
        return host;
    }

    /// <summary>Starts the host and polls its port until it accepts a connection (as Cloud Run's TCP start-up probe does).</summary>
    public static Task<GcpHostProcess> StartReadyAsync(params (string Name, string? Value)[] environment) =>
        StartReadyOnPortAsync(FreePort.Next(), environment);

    /// <summary>Starts the host on <paramref name="port"/> and waits until it accepts a connection.</summary>
    public static async Task<GcpHostProcess> StartReadyOnPortAsync(int port, params (string Name, string? Value)[] environment)
    {
        var host = StartOnPort(port, environment);
        try
        {
            await host.WaitUntilListeningAsync();
            return host;
        }
        catch
        {
            await host.DisposeAsync();
            throw;
        }
    }

    public HttpClient CreateClient() => new() { BaseAddress = BaseAddress, Timeout = Patience };

    public async Task WaitUntilListeningAsync()
    {
        using var patience = new CancellationTokenSource(Patience);
        while (true)
        {
            if (Process.HasExited)
            {
                Assert.Fail($"Portable.Gcp exited with {Process.ExitCode} before listening.\nstdout:\n{StandardOutput}\nstderr:\n{StandardError}");
            }

            try
            {
                using var probe = new TcpClient();
                await probe.ConnectAsync(IPAddress.Loopback, Port, patience.Token);
                return;
            }
            catch (SocketException)
            {
                await Task.Delay(100, patience.Token);
            }
        }
    }

    /// <summary>Waits (bounded) until a stdout line contains <paramref name="marker"/>, and returns that line.</summary>
    public async Task<string> WaitForOutputAsync(string marker)
    {
        using var patience = new CancellationTokenSource(Patience);
        while (true)
        {
            lock (_stdout)
            {
                var line = _stdout.Find(l => l.Contains(marker, StringComparison.Ordinal));
                if (line is not null)
                {
                    return line;
                }
            }

            if (patience.IsCancellationRequested)
            {
                Assert.Fail($"Portable.Gcp never printed '{marker}'.\nstdout:\n{StandardOutput}\nstderr:\n{StandardError}");
            }

            await Task.Delay(50, CancellationToken.None);
        }
    }

    /// <summary>Waits (bounded) for the process to exit and returns its exit code, with all of its output read.</summary>
    public async Task<int> WaitForExitAsync()
    {
        using var patience = new CancellationTokenSource(Patience);
        await Process.WaitForExitAsync(patience.Token);
        return Process.ExitCode;
    }

    /// <summary>Sends a POSIX signal (15 = SIGTERM, as Cloud Run sends on shutdown).</summary>
    public void Signal(int signal) => Assert.Equal(0, Kill(Process.Id, signal));

    public async ValueTask DisposeAsync()
    {
        if (!Process.HasExited)
        {
            Process.Kill(entireProcessTree: true);
            await Process.WaitForExitAsync(CancellationToken.None);
        }

        Process.Dispose();
    }

    private static void Append(List<string> lines, string? line)
    {
        if (line is not null)
        {
            lock (lines)
            {
                lines.Add(line);
            }
        }
    }

    [DllImport("libc", EntryPoint = "kill", SetLastError = true)]
    private static extern int Kill(int pid, int signal);
}
