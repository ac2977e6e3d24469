namespace Portable.Core.Sagas;

/// <summary>
/// The next thing to do in a saga: run <see cref="Step"/> in <see cref="Phase"/> as attempt <see cref="Attempt"/>
/// after <see cref="Delay"/> within <see cref="Timeout"/>, or finish with <see cref="Status"/> and <see cref="Reason"/>.
/// </summary>
public sealed record SagaDecision
{
    private SagaDecision()
    {
    }

    /// <summary>Run or finish.</summary>
    public SagaDecisionKind Kind { get; private init; }

    /// <summary>The handler to run; null when finishing.</summary>
    public string? Step { get; private init; }

    /// <summary>The handler's phase.</summary>
    public SagaPhase Phase { get; private init; }

    /// <summary>The attempt number (1 for the first).</summary>
    public int Attempt { get; private init; }

    /// <summary>How long to wait first (zero for a first attempt; the policy's backoff for a retry).</summary>
    public TimeSpan Delay { get; private init; }

    /// <summary>The earliest time to run a retry (the last attempt's end plus <see cref="Delay"/>); null for a first attempt.
    /// A queue-driven coordinator schedules the step's message for then.</summary>
    public DateTimeOffset? NotBefore { get; private init; }

    /// <summary>How long the attempt may take.</summary>
    public TimeSpan Timeout { get; private init; }

    /// <summary>The terminal status when finishing; otherwise the status while the step runs.</summary>
    public SagaStatus Status { get; private init; }

    /// <summary>Why the saga compensated or failed; null for a completed one.</summary>
    public string? Reason { get; private init; }

    /// <summary>A decision to run a handler.</summary>
    public static SagaDecision Run(string step, SagaPhase phase, int attempt, TimeSpan delay, TimeSpan timeout, SagaStatus status, string? reason, DateTimeOffset? notBefore = null) =>
        new() { Kind = SagaDecisionKind.Run, Step = step, Phase = phase, Attempt = attempt, Delay = delay, Timeout = timeout, Status = status, Reason = reason, NotBefore = notBefore };

    /// <summary>A decision to finish.</summary>
    public static SagaDecision Finish(SagaStatus status, string? reason) =>
        new() { Kind = SagaDecisionKind.Finish, Status = status, Reason = reason };
}
