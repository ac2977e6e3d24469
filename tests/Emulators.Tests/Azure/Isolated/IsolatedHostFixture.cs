using Microsoft.Extensions.Time.Testing;
using Portable.Core.Messaging;
using Portable.Emulators.Azure.Isolated;

namespace Portable.Emulators.Tests.Azure.Isolated;

/// <summary>One emulator on tests/IsolatedWorkerApp for a test class, on a fake clock, with a 30 s queue retry delay (host.json <c>visibilityTimeout: 00:00:30</c>).</summary>
public sealed class IsolatedHostFixture : IAsyncLifetime
{
    /// <summary>The queue retry delay.</summary>
    public static readonly TimeSpan RetryDelay = TimeSpan.FromSeconds(30);

    /// <summary>The emulator's clock: 2026-01-01 00:01:00 UTC at start.</summary>
    public FakeTimeProvider Time { get; } = new(new DateTimeOffset(2026, 1, 1, 0, 1, 0, TimeSpan.Zero));

    public IsolatedFunctionsHost Host { get; private set; } = null!;

    public async Task InitializeAsync() =>
        Host = await IsolatedWorkerApp.StartAsync(configure: o => o with
        {
            TimeProvider = Time,
            QueueProfile = DeliveryProfile.AzureStorageQueue with { RetryDelay = RetryDelay, MaxRetryDelay = RetryDelay },
        });

    public async Task DisposeAsync() => await Host.DisposeAsync();
}
