using Portable.Emulators.Processes;
using Portable.TestKit;

namespace Portable.Gcp.Tests;

/// <summary>The real Portable.Gcp, started as Cloud Run starts it: <c>dotnet Portable.Gcp.dll</c> with <c>PORT</c> set.</summary>
internal sealed class GcpHostProcess : IAsyncDisposable
{
    /// <summary>How long any single wait on the child may take before the test fails (not a timing assertion).</summary>
    public static readonly TimeSpan Patience = TimeSpan.FromSeconds(30);

    private GcpHostProcess(ChildProcess process, int port)
    {
        Process = process;
        Port = port;
    }

    public ChildProcess Process { get; }

    public int Port { get; }

    public Uri BaseAddress => new($"http://127.0.0.1:{Port}");

    public string StandardOutput => Process.StandardOutput;

    public string StandardError => Process.StandardError;

    /// <summary>Starts the host with a free <c>PORT</c> plus <paramref name="environment"/> (a null value unsets a variable).</summary>
    public static GcpHostProcess Start(params (string Name, string? Value)[] environment) => StartOnPort(FreePort.Next(), environment);

    /// <summary>
    /// Starts the host on <paramref name="port"/>, from src/Gcp's own build output (the test bin folder has the wrong
    /// dependency set). Pub/Sub and metadata variables are cleared so nothing reaches Google from a test.
    /// </summary>
    public static GcpHostProcess StartOnPort(int port, params (string Name, string? Value)[] environment)
    {
        var dll = RepoPaths.BuildOutput("src/Gcp", "Portable.Gcp.dll");
        var variables = new Dictionary<string, string?>(StringComparer.Ordinal);
        foreach (var name in new[] { "FUNCTION_TARGET", "GOOGLE_CLOUD_PROJECT", "ASPNETCORE_URLS", "ASPNETCORE_HTTP_PORTS", "ASPNETCORE_HTTPS_PORTS", "PUBSUB_EMULATOR_HOST", "GCE_METADATA_HOST" })
        {
            variables[name] = null;
        }

        variables["PORT"] = port.ToString(System.Globalization.CultureInfo.InvariantCulture);
        foreach (var (name, value) in environment)
        {
            variables[name] = value;
        }

        return new GcpHostProcess(ChildProcess.Start(ChildProcessOptions.Dotnet(dll) with { Environment = variables, WorkingDirectory = Path.GetDirectoryName(dll) }), port);
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
            await host.Process.WaitForPortsAsync([port], Patience);
            return host;
        }
        catch
        {
            await host.DisposeAsync();
            throw;
        }
    }

    public HttpClient CreateClient() => new() { BaseAddress = BaseAddress, Timeout = Patience };

    /// <summary>Waits (bounded) until a stdout line contains <paramref name="marker"/>, and returns that line.</summary>
    public Task<string> WaitForOutputAsync(string marker) => Process.WaitForLineAsync(marker, Patience);

    /// <summary>Waits (bounded) for the process to exit and returns its exit code, with all of its output read.</summary>
    public Task<int> WaitForExitAsync() => Process.WaitForExitAsync(Patience);

    public ValueTask DisposeAsync() => Process.DisposeAsync();
}
