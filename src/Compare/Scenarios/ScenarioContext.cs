namespace Portable.Compare.Scenarios;

/// <summary>What every scenario of one run shares.</summary>
public sealed class ScenarioContext
{
    /// <summary>
    /// The deployed front doors by host, when the run is <c>--live</c>; null for a run on this machine's emulators.
    /// A live run gives only the scenarios that <see cref="ICompareScenario.RunsLive"/>.
    /// </summary>
    public IReadOnlyDictionary<string, Uri>? LiveTargets { get; init; }

    /// <summary>Whether this run is against deployed URLs.</summary>
    public bool Live => LiveTargets is not null;

    /// <summary>
    /// How platform time is scaled on the emulators: 0.01 runs a 29 s front-door timeout as 290 ms (the handler slowed
    /// in proportion). The platform's numbers are reported unscaled; the report notes the scale.
    /// </summary>
    public double TimeScale { get; init; } = 0.01;

    /// <summary>Receives a line of progress (stderr in the command); never null.</summary>
    public Action<string> Progress { get; init; } = static _ => { };

    /// <summary>Scales a platform duration by <see cref="TimeScale"/>.</summary>
    /// <param name="platform">The duration on the platform.</param>
    public TimeSpan Scaled(TimeSpan platform) => TimeSpan.FromTicks((long)(platform.Ticks * TimeScale));
}
