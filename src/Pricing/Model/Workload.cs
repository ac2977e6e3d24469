namespace Portable.Pricing.Model;

/// <summary>
/// What a user runs, stated the way they think of it: how many pattern invocations a month, and the memory and
/// duration of each function execution. Defaults are the published example's: 256 MB, 200 ms, x86, HTTP API in
/// front, free tier off.
/// </summary>
public sealed record Workload
{
    /// <summary>Seconds in a 730-hour billing month.</summary>
    public const decimal SecondsPerMonth = 730m * 3600m;

    /// <summary>Days in a 730-hour billing month (30.4167).</summary>
    public const decimal DaysPerMonth = 730m / 24m;

    /// <summary>Pattern invocations a month (an order for the sagas, a job for the fan-out, a batch for streams).</summary>
    public required decimal MonthlyInvocations { get; init; }

    /// <summary>Memory configured for each function, in MB (Lambda's MB; Azure and Cloud Run round it their way).</summary>
    public int MemoryMb { get; init; } = 256;

    /// <summary>How long each function execution runs, in milliseconds.</summary>
    public decimal DurationMs { get; init; } = 200;

    /// <summary>Lambda's architecture.</summary>
    public Architecture Architecture { get; init; } = Architecture.X86;

    /// <summary>The gateway in front of HTTP functions on AWS.</summary>
    public FrontDoor FrontDoor { get; init; } = FrontDoor.Http;

    /// <summary>
    /// Whether to subtract the always-free monthly grants, as if this workload were the account's only use of them.
    /// Off by default: a free tier is shared by everything on the account. 12-month offers are never applied.
    /// </summary>
    public bool FreeTier { get; init; }

    /// <summary>Requests one Cloud Run or Flex instance serves at once (billed instance time is divided by it).</summary>
    public int Concurrency { get; init; } = 1;

    /// <summary>The size of each message, event or record, in bytes.</summary>
    public int MessageBytes { get; init; } = 1024;

    /// <summary>The workload at <paramref name="perDay"/> invocations a day.</summary>
    public Workload AtDailyRate(decimal perDay) => this with { MonthlyInvocations = perDay * DaysPerMonth };
}
