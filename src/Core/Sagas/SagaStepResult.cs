namespace Portable.Core.Sagas;

/// <summary>The result of one attempt of a step: succeeded, failed for good, or failed transiently, with a reason.</summary>
public readonly record struct SagaStepResult
{
    private SagaStepResult(SagaStepResultKind kind, string? reason)
    {
        Kind = kind;
        Reason = reason;
    }

    /// <summary>What the attempt came to.</summary>
    public SagaStepResultKind Kind { get; }

    /// <summary>Why it failed; null on success.</summary>
    public string? Reason { get; }

    /// <summary>The step did its work.</summary>
    public static SagaStepResult Succeeded() => new(SagaStepResultKind.Succeeded, null);

    /// <summary>The step failed: a permanent failure is final, a non-permanent one is retried as <see cref="Transient"/> is.</summary>
    public static SagaStepResult Failed(bool permanent, string reason) =>
        permanent ? Failed(reason) : Transient(reason);

    /// <summary>The step failed for good.</summary>
    public static SagaStepResult Failed(string reason)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(reason);
        return new(SagaStepResultKind.Failed, reason);
    }

    /// <summary>The step failed but may succeed if tried again.</summary>
    public static SagaStepResult Transient(string reason)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(reason);
        return new(SagaStepResultKind.Transient, reason);
    }
}
