namespace Portable.Pricing.Model;

/// <summary>
/// What one invocation of a pattern uses, as committed in <c>Data/patterns.json</c>: the counts the cost model
/// multiplies by the workload's rate and by each cloud's prices.
/// </summary>
public sealed record PatternProfile
{
    /// <summary>The name <c>--pattern</c> takes.</summary>
    public required string Name { get; init; }

    /// <summary>What the pattern is, in a few words.</summary>
    public required string Title { get; init; }

    /// <summary>What starts it: <c>http</c>, <c>queue</c>, <c>event</c>, <c>schedule</c> or <c>stream</c>.</summary>
    public required string Trigger { get; init; }

    /// <summary>Function executions per invocation.</summary>
    public decimal Executions { get; init; }

    /// <summary>HTTP requests through the front door per invocation.</summary>
    public decimal FrontDoorRequests { get; init; }

    /// <summary>Queue messages sent and consumed per invocation.</summary>
    public decimal QueueMessages { get; init; }

    /// <summary>Events published to a bus or topic per invocation.</summary>
    public decimal EventsPublished { get; init; }

    /// <summary>Step Functions state transitions per invocation.</summary>
    public decimal StepTransitions { get; init; }

    /// <summary>Google Workflows billable internal steps per invocation.</summary>
    public decimal WorkflowSteps { get; init; }

    /// <summary>Durable Functions activities per invocation (they set replays and task-hub traffic).</summary>
    public decimal DurableActivities { get; init; }

    /// <summary>State-store reads per invocation.</summary>
    public decimal StateReads { get; init; }

    /// <summary>State-store writes per invocation.</summary>
    public decimal StateWrites { get; init; }

    /// <summary>Log bytes written per invocation.</summary>
    public decimal LogBytes { get; init; }

    /// <summary>Stream records per invocation.</summary>
    public decimal StreamRecords { get; init; }

    /// <summary>Scheduler jobs the pattern keeps (a monthly charge on Google, independent of the rate).</summary>
    public int ScheduledJobs { get; init; }

    /// <summary>Where the counts come from.</summary>
    public required string Basis { get; init; }

    /// <summary>Whether the pattern touches the state store.</summary>
    public bool UsesState => StateReads + StateWrites > 0;
}
