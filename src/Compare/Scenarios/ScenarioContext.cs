using Portable.Compare.Targets;

namespace Portable.Compare.Scenarios;

/// <summary>
/// What every scenario of one run shares: the live targets or the time scale, progress, and one started front door
/// per host for the scenarios that need no host of their own (stopped when the run ends).
/// </summary>
public sealed class ScenarioContext : IAsyncDisposable
{
    private readonly Dictionary<string, Task<HttpTarget>> _shared = new(StringComparer.Ordinal);
    private readonly Lock _gate = new();

    /// <summary>
    /// The deployed front doors by host, when the run is <c>--live</c>; null for a run on this machine's emulators.
    /// A live run gives only the scenarios that <see cref="ICompareScenario.RunsLive"/>.
    /// </summary>
    public IReadOnlyDictionary<string, Uri>? LiveTargets { get; init; }

    /// <summary>Whether this run is against deployed URLs.</summary>
    public bool Live => LiveTargets is not null;

    /// <summary>
    /// How platform time is scaled on the emulators: 0.02 runs a 29 s front-door timeout as 580 ms (the handler slowed
    /// in proportion). The platform's numbers are reported unscaled; the report notes the scale.
    /// </summary>
    public double TimeScale { get; init; } = 0.02;

    /// <summary>Receives a line of progress (stderr in the command); never null.</summary>
    public Action<string> Progress { get; init; } = static _ => { };

    /// <summary>Scales a platform duration by <see cref="TimeScale"/>.</summary>
    /// <param name="platform">The duration on the platform.</param>
    public TimeSpan Scaled(TimeSpan platform) => TimeSpan.FromTicks((long)(platform.Ticks * TimeScale));

    /// <summary>
    /// The host's front door with the default options, started on first use and shared by the scenarios after it (a
    /// CRUD run and the oversized bodies need no host of their own); on a live run the deployed URL.
    /// </summary>
    /// <param name="host">One of <see cref="CompareHosts.All"/>.</param>
    /// <param name="cancellationToken">Stops waiting; the start goes on for the next scenario.</param>
    public Task<HttpTarget> SharedTargetAsync(string host, CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            if (!_shared.TryGetValue(host, out var target) || target.IsFaulted || target.IsCanceled)
            {
                _shared[host] = target = HttpTargets.StartAsync(host, this, cancellationToken: CancellationToken.None);
            }

            return target.WaitAsync(cancellationToken);
        }
    }

    /// <summary>Stops every shared host.</summary>
    public async ValueTask DisposeAsync()
    {
        Task<HttpTarget>[] started;
        lock (_gate)
        {
            started = [.. _shared.Values];
            _shared.Clear();
        }

        foreach (var target in started)
        {
            try
            {
                await (await target.ConfigureAwait(false)).DisposeAsync().ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is not OutOfMemoryException)
            {
                // A host that failed to start has nothing to stop; its failure was reported by the scenario that asked.
            }
        }
    }
}
