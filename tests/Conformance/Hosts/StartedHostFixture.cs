using System.Diagnostics;

namespace Portable.Conformance.Hosts;

/// <summary>
/// Starts one host for a test class's tests, in the background from <see cref="InitializeAsync"/> (so the classes'
/// hosts start at once), and disposes it after them. A start that fails fails each test with its own message.
/// </summary>
/// <typeparam name="THost">What the tests drive.</typeparam>
public abstract class StartedHostFixture<THost> : IAsyncLifetime
    where THost : IAsyncDisposable
{
    private Task<THost>? _host;

    /// <summary>How long the host took to start.</summary>
    public TimeSpan Startup { get; private set; }

    /// <summary>The host, started in <see cref="InitializeAsync"/>; throws what its start threw.</summary>
    public Task<THost> HostAsync() => _host ?? throw new InvalidOperationException("The fixture was not initialised.");

    public Task InitializeAsync()
    {
        var clock = Stopwatch.StartNew();
        _host = Task.Run(async () =>
        {
            var host = await StartAsync();
            Startup = clock.Elapsed;
            return host;
        });
        return Task.CompletedTask;
    }

    public async Task DisposeAsync()
    {
        if (_host is null)
        {
            return;
        }

        await Task.WhenAny(_host);
        if (_host.IsCompletedSuccessfully)
        {
            await _host.Result.DisposeAsync();
        }
    }

    /// <summary>Starts the host with empty state.</summary>
    protected abstract Task<THost> StartAsync();
}
