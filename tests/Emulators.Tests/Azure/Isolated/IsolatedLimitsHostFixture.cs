using Portable.Emulators.Azure.Isolated;

namespace Portable.Emulators.Tests.Azure.Isolated;

/// <summary>
/// One emulator on tests/IsolatedWorkerApp with its HTTP front door's limits scaled down: a 256 KiB request body and a
/// 3 s response timeout (the platform's 100 MB and 230 s would make the tests slow, not different).
/// </summary>
public sealed class IsolatedLimitsHostFixture : IAsyncLifetime
{
    /// <summary>The request body limit the host runs with.</summary>
    public const long MaxRequestBodyBytes = 256 * 1024;

    /// <summary>The HTTP response timeout the host runs with.</summary>
    public static readonly TimeSpan HttpResponseTimeout = TimeSpan.FromSeconds(3);

    public IsolatedFunctionsHost Host { get; private set; } = null!;

    public async Task InitializeAsync() =>
        Host = await IsolatedWorkerApp.StartAsync(configure: o => o with
        {
            MaxRequestBodyBytes = MaxRequestBodyBytes,
            HttpResponseTimeout = HttpResponseTimeout,
            ShutdownGracePeriod = TimeSpan.FromSeconds(2), // a Slow invocation may still be running at the end
        });

    public async Task DisposeAsync() => await Host.DisposeAsync();
}
