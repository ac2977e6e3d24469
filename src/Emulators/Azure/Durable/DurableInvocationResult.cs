namespace Portable.Emulators.Azure.Durable;

/// <summary>
/// What one invocation of a Durable function returned: the <c>InvocationResponse</c>'s status, its
/// <c>return_value</c> and, on failure, its exception's type and message.
/// </summary>
/// <param name="Succeeded"><see langword="true"/> when the worker reported <c>Success</c>.</param>
/// <param name="ReturnValue">
/// For an orchestrator the base64 <c>OrchestratorResponse</c> as returned. For an activity the result as JSON text:
/// a <c>TypedData.string</c> return value JSON-encoded as a string (the host serializes non-JSON values before storing
/// them, digest §5.2), a <c>TypedData.json</c> one as is; <see langword="null"/> when the activity returned nothing.
/// </param>
/// <param name="ErrorType">The exception's type name on failure.</param>
/// <param name="ErrorMessage">
/// The exception's message on failure. An activity's failure from the 1.21 worker carries a JSON object of failure
/// details here (<c>DurableSerializationException</c>); the hub reads it into the <c>TaskFailed</c> event.
/// </param>
public sealed record DurableInvocationResult(bool Succeeded, string? ReturnValue, string? ErrorType, string? ErrorMessage)
{
    /// <summary>A successful invocation returning <paramref name="returnValue"/>.</summary>
    public static DurableInvocationResult Success(string? returnValue) => new(true, returnValue, null, null);

    /// <summary>A failed invocation whose exception was of <paramref name="errorType"/> with <paramref name="errorMessage"/>.</summary>
    public static DurableInvocationResult Failure(string errorType, string errorMessage) => new(false, null, errorType, errorMessage);
}
