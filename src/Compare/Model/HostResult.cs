namespace Portable.Compare.Model;

/// <summary>
/// What one host did in one scenario: a row of the side-by-side table. Every figure is optional, because not every
/// scenario has every figure (a CRUD run has no dead letters, a poison message no latency worth charting) and a run
/// stopped early leaves the rest unmeasured.
/// </summary>
public sealed record HostResult
{
    /// <summary>The host's name as the report prints it: <c>local</c>, <c>aws</c>, <c>gcp</c> or <c>azure</c>.</summary>
    public required string Host { get; init; }

    /// <summary>What the caller saw in the end, in a few words: <c>201 ×40</c>, <c>dead-lettered</c>, <c>compensated</c>.</summary>
    public required string Outcome { get; init; }

    /// <summary>Whether the outcome is what the pattern promises on this host (false marks the row in the report).</summary>
    public bool AsExpected { get; init; } = true;

    /// <summary>Deliveries or invocations until success or dead-letter, where the host counts them.</summary>
    public int? Attempts { get; init; }

    /// <summary>Duplicate deliveries the idempotency layer recognised and did not apply again.</summary>
    public int? DuplicatesSuppressed { get; init; }

    /// <summary>The effects applied, as the scenario counts them (<c>3 ledger entries</c>, <c>10000 rows</c>).</summary>
    public string? Effects { get; init; }

    /// <summary>Median latency of the scenario's requests or invocations.</summary>
    public TimeSpan? P50 { get; init; }

    /// <summary>99th-percentile latency of the scenario's requests or invocations.</summary>
    public TimeSpan? P99 { get; init; }

    /// <summary>Time from starting the host to its first answer, where the scenario started it.</summary>
    public TimeSpan? ColdStart { get; init; }

    /// <summary>The platform limit that decided the outcome (<c>API Gateway 29 s integration timeout</c>), if one did.</summary>
    public string? Limit { get; init; }

    /// <summary>Anything else worth a footnote: how the figure was observed, or why a cell is empty.</summary>
    public string? Note { get; init; }
}
