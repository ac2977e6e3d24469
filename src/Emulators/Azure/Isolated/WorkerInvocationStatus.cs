namespace Portable.Emulators.Azure.Isolated;

/// <summary>How the worker says an invocation ended (<c>StatusResult.Status</c>).</summary>
public enum WorkerInvocationStatus
{
    /// <summary>The function threw, or the worker could not run it.</summary>
    Failure = 0,

    /// <summary>The function returned.</summary>
    Success = 1,

    /// <summary>The worker cancelled it (only when the function's exception wraps an <see cref="OperationCanceledException"/>).</summary>
    Cancelled = 2,
}
