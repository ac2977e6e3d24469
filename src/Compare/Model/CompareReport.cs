namespace Portable.Compare.Model;

/// <summary>A whole <c>portable compare</c> run: every scenario's table, and whether the run finished.</summary>
public sealed record CompareReport
{
    /// <summary>When the run started.</summary>
    public required DateTimeOffset StartedAt { get; init; }

    /// <summary>How long it ran.</summary>
    public required TimeSpan Duration { get; init; }

    /// <summary>Where the hosts were: <c>emulated</c> (each behind its emulator on this machine) or <c>live</c> (deployed URLs).</summary>
    public required string Mode { get; init; }

    /// <summary>The scenarios that ran, in order; a stopped run holds those that finished.</summary>
    public required IReadOnlyList<ScenarioReport> Scenarios { get; init; }

    /// <summary>False when the run was stopped (Ctrl+C) or a host failed before every scenario ran.</summary>
    public bool Complete { get; init; } = true;

    /// <summary>Why the run stopped early, when it did.</summary>
    public string? StoppedBecause { get; init; }

    /// <summary>Notes printed under the tables: how time was scaled, what each host ran behind.</summary>
    public IReadOnlyList<string> Notes { get; init; } = [];
}
