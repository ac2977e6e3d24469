using System.Globalization;
using Portable.Emulators.Processes;

namespace Portable.Compare.Hosts;

/// <summary>
/// A Cloud Run container's server as Cloud Run starts it: <c>PORT</c> set, and nothing else of this machine's that
/// would change where it listens or what it serves. By default the real Portable.Gcp (src/Gcp's own build output);
/// the benchmark gives its published variants and its baseline instead.
/// </summary>
public sealed class CloudRunProcess : IAsyncDisposable
{
    /// <summary>
    /// Unset in the child: what Cloud Run does not set (the function, project, ASP.NET Core's own URLs and environment)
    /// and what would send a test's traffic to Google (the Pub/Sub, Cloud Storage emulator and metadata hosts, the events topic), unless given again.
    /// </summary>
    public static readonly IReadOnlyList<string> ClearedVariables =
    [
        "FUNCTION_TARGET", "GOOGLE_CLOUD_PROJECT", "ASPNETCORE_URLS", "ASPNETCORE_HTTP_PORTS", "ASPNETCORE_HTTPS_PORTS",
        "ASPNETCORE_ENVIRONMENT", "DOTNET_ENVIRONMENT", "PUBSUB_EMULATOR_HOST", "GCE_METADATA_HOST", "STORAGE_EMULATOR_HOST", "PORTABLE_EVENTS_TOPIC",
    ];

    private CloudRunProcess(ChildProcess process, int port)
    {
        Process = process;
        Port = port;
    }

    /// <summary>The server process.</summary>
    public ChildProcess Process { get; }

    /// <summary>The <c>PORT</c> it was given.</summary>
    public int Port { get; }

    /// <summary><c>http://127.0.0.1:{PORT}</c>.</summary>
    public Uri BaseAddress => new($"http://127.0.0.1:{Port}");

    /// <summary>
    /// Starts the server with <c>PORT</c>=<paramref name="port"/> (a free port when null) and <paramref name="environment"/>
    /// applied last (a null value unsets a variable, a <c>PORT</c> there wins); does not wait for it.
    /// </summary>
    /// <param name="port">The port; a free one when null.</param>
    /// <param name="environment">Variables on top of the cleared ones.</param>
    /// <param name="program">The server: a <c>.dll</c> or an executable; src/Gcp's build output when null.</param>
    public static CloudRunProcess Start(int? port = null, IReadOnlyDictionary<string, string?>? environment = null, string? program = null)
    {
        var chosen = port ?? FreePort.Next();
        var variables = Variables.Merge(
            ClearedVariables.ToDictionary(name => name, string? (_) => null),
            new Dictionary<string, string?> { ["PORT"] = chosen.ToString(CultureInfo.InvariantCulture) },
            environment);

        return new CloudRunProcess(ChildProcess.Start(ChildProcessOptions.Program(program ?? HostBuilds.GcpHost) with { Environment = variables }), chosen);
    }

    /// <summary>
    /// Starts the server and waits until its port accepts a connection, as Cloud Run's default TCP start-up probe
    /// does; kills it when it exits or times out first.
    /// </summary>
    /// <param name="program">The server, as for <see cref="Start"/>: src/Gcp's build output when null.</param>
    /// <param name="port">The port; a free one when null.</param>
    /// <param name="environment">Variables for the process, applied last (a null value unsets one).</param>
    /// <param name="timeout">How long to wait until it is ready; <see cref="HostDefaults.StartupTimeout"/> when null.</param>
    /// <param name="cancellationToken">Stops waiting for the start.</param>
    /// <exception cref="ChildProcessException">It exited first, or did not listen within <paramref name="timeout"/>.</exception>
    public static async Task<CloudRunProcess> StartAsync(
        int? port = null,
        IReadOnlyDictionary<string, string?>? environment = null,
        TimeSpan? timeout = null,
        string? program = null,
        CancellationToken cancellationToken = default)
    {
        var host = Start(port, environment, program);
        try
        {
            await host.Process.WaitForPortsAsync([host.Port], timeout ?? HostDefaults.StartupTimeout, cancellationToken);
            return host;
        }
        catch
        {
            await host.DisposeAsync();
            throw;
        }
    }

    /// <summary>A client on the server's port.</summary>
    public HttpClient CreateClient(TimeSpan timeout) => new(new SocketsHttpHandler { UseProxy = false }) { BaseAddress = BaseAddress, Timeout = timeout };

    /// <summary>Kills the server.</summary>
    public ValueTask DisposeAsync() => Process.DisposeAsync();
}
