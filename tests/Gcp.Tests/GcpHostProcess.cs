using Portable.Emulators.Processes;
using Portable.Compare.Hosts;
using Portable.TestKit;

namespace Portable.Gcp.Tests;

/// <summary>
/// The real Portable.Gcp, started as Cloud Run starts it (<see cref="CloudRunProcess"/>: <c>dotnet Portable.Gcp.dll</c>
/// from src/Gcp's own build output with <c>PORT</c> set, the Pub/Sub and metadata variables cleared so nothing
/// reaches Google from a test), with this project's patience and shorthands.
/// </summary>
internal sealed class GcpHostProcess(CloudRunProcess host) : IAsyncDisposable
{
    /// <summary>How long any single wait on the child may take before the test fails (not a timing assertion).</summary>
    public static readonly TimeSpan Patience = TimeSpan.FromSeconds(30);

    public ChildProcess Process => host.Process;

    public int Port => host.Port;

    public string StandardOutput => Process.StandardOutput;

    public string StandardError => Process.StandardError;

    /// <summary>Starts the host with a free <c>PORT</c> plus <paramref name="environment"/> (a null value unsets a variable); does not wait.</summary>
    public static GcpHostProcess Start(params (string Name, string? Value)[] environment) =>
        new(CloudRunProcess.Start(Portable.TestKit.FreePort.Next(), Variables(environment)));

    /// <summary>Starts the host and polls its port until it accepts a connection (as Cloud Run's TCP start-up probe does).</summary>
    public static Task<GcpHostProcess> StartReadyAsync(params (string Name, string? Value)[] environment) =>
        StartReadyOnPortAsync(Portable.TestKit.FreePort.Next(), environment);

    /// <summary>Starts the host on <paramref name="port"/> and waits until it accepts a connection.</summary>
    public static async Task<GcpHostProcess> StartReadyOnPortAsync(int port, params (string Name, string? Value)[] environment) =>
        new(await CloudRunProcess.StartAsync(port, Variables(environment), Patience));

    public HttpClient CreateClient() => host.CreateClient(Patience);

    /// <summary>Waits (bounded) until a line contains <paramref name="marker"/>, and returns that line.</summary>
    public Task<string> WaitForOutputAsync(string marker) => Process.WaitForLineAsync(marker, Patience);

    /// <summary>Waits (bounded) for the process to exit and returns its exit code, with all of its output read.</summary>
    public Task<int> WaitForExitAsync() => Process.WaitForExitAsync(Patience);

    public ValueTask DisposeAsync() => host.DisposeAsync();

    private static Dictionary<string, string?> Variables((string Name, string? Value)[] environment) =>
        environment.ToDictionary(e => e.Name, e => e.Value, StringComparer.Ordinal);
}
