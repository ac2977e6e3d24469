using Portable.Emulators.Azure;
using Portable.TestKit;

namespace Portable.Conformance.Hosts;

/// <summary>
/// The Azure Functions custom handler as the Functions host runs it: the real Portable.Azure (from src/Azure's own
/// build output) started by the Functions host emulator from the committed script root in deploy/azure, with HTTP
/// requests forwarded as they came (<c>enableForwardingHttpRequest: true</c>) or wrapped in payload-mode invocations.
/// The client calls the host's public front door.
/// </summary>
internal sealed class AzureUnderTest(FunctionsHostEmulator host) : IHostUnderTest
{
    public HttpClient Client { get; } = CreateClient(host);

    /// <summary>Starts the host and the handler; fails with the handler's output when it does not answer in time.</summary>
    public static async Task<IHostUnderTest> StartAsync(bool forwardHttpRequests)
    {
        var host = await FunctionsHostEmulator.StartAsync(new FunctionsHostEmulatorOptions
        {
            // The layout users deploy (kept equal to the manifest by Azure.Tests' drift test); only the executable
            // is swapped for the built one, run under dotnet.
            ScriptRoot = Path.Combine(RepoPaths.Root, "deploy", "azure"),
            ExecutablePath = Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } dotnet ? dotnet : "dotnet",
            Arguments = [RepoPaths.BuildOutput("src/Azure", "Portable.Azure.dll")],
            ForwardHttpRequests = forwardHttpRequests,
            StartupTimeout = HostsUnderTest.StartupTimeout,
        });
        if (host.ForwardsHttpRequests != forwardHttpRequests)
        {
            await host.DisposeAsync();
            throw new InvalidOperationException($"The host was asked for enableForwardingHttpRequest={forwardHttpRequests} but runs with {host.ForwardsHttpRequests}.");
        }

        return new AzureUnderTest(host);
    }

    public async ValueTask DisposeAsync()
    {
        Client.Dispose();
        await host.DisposeAsync(); // stops the front door and kills the handler's process tree
    }

    private static HttpClient CreateClient(FunctionsHostEmulator host)
    {
        var client = host.CreateClient();
        client.Timeout = HostsUnderTest.RequestTimeout;
        return client;
    }
}
