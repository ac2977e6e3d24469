namespace Portable.Emulators.Azure.Isolated;

/// <summary>The worker's <c>InvocationResponse</c> to one invocation, with its values as text.</summary>
public sealed record WorkerInvocationResult
{
    /// <summary>The invocation id the emulator gave it.</summary>
    public required string InvocationId { get; init; }

    /// <summary>How it ended.</summary>
    public required WorkerInvocationStatus Status { get; init; }

    /// <summary>True when <see cref="Status"/> is <see cref="WorkerInvocationStatus.Success"/>.</summary>
    public bool IsSuccess => Status == WorkerInvocationStatus.Success;

    /// <summary>
    /// The <c>$return</c> value as text (<c>return_value</c>: a string as is, JSON as its text, bytes as UTF-8); null
    /// when the function returned nothing or its return value is an HTTP response.
    /// </summary>
    public string? ReturnValue { get; init; }

    /// <summary>The named outputs (<c>output_data</c>) as text, by binding name.</summary>
    public IReadOnlyDictionary<string, string?> Outputs { get; init; } = new Dictionary<string, string?>();

    /// <summary>The exception's full type name when the invocation failed (e.g. <c>System.InvalidOperationException</c>).</summary>
    public string? ErrorType { get; init; }

    /// <summary>The exception's message when the invocation failed.</summary>
    public string? ErrorMessage { get; init; }

    /// <summary>The exception's stack trace when the invocation failed.</summary>
    public string? ErrorStackTrace { get; init; }
}
