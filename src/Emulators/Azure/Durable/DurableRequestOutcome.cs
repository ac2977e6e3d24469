namespace Portable.Emulators.Azure.Durable;

/// <summary>What became of a request addressed to one orchestration instance (raise, terminate, suspend, resume, start).</summary>
public enum DurableRequestOutcome
{
    /// <summary>The request was accepted.</summary>
    Accepted,

    /// <summary>No instance has that id (the real server answers gRPC <c>NotFound</c>).</summary>
    NotFound,

    /// <summary>The instance exists but is not in a state the request applies to (gRPC <c>FailedPrecondition</c>).</summary>
    NotRunning,

    /// <summary>A start named an instance that exists and has not finished (gRPC <c>AlreadyExists</c>).</summary>
    AlreadyExists,
}
