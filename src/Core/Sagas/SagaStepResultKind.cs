namespace Portable.Core.Sagas;

/// <summary>What one attempt of a step came to.</summary>
public enum SagaStepResultKind
{
    /// <summary>The step did its work.</summary>
    Succeeded,

    /// <summary>The step cannot succeed (out of stock, declined): no retry.</summary>
    Failed,

    /// <summary>The step may succeed if tried again (a timeout, a busy service): retried per its policy.</summary>
    Transient,
}
