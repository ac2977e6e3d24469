namespace Portable.Core.Idempotency;

/// <summary>
/// What the state store keeps per idempotency key: whether the first attempt is still running or finished,
/// a hash of what was asked (a different request under the same key is a conflict), and the stored result.
/// </summary>
public sealed record IdempotencyRecord
{
    /// <summary><c>in-progress</c> or <c>completed</c>.</summary>
    public required string State { get; init; }

    /// <summary>What the key was first used with: <see cref="IdempotencyRecords.PayloadHash"/> of its request or message.</summary>
    public required string RequestHash { get; init; }

    /// <summary>The stored HTTP status, once completed.</summary>
    public int? StatusCode { get; init; }

    /// <summary>The stored response headers worth replaying, once completed.</summary>
    public Dictionary<string, string>? Headers { get; init; }

    /// <summary>The stored response body, base64, once completed.</summary>
    public string? Body { get; init; }

    /// <summary>The state value while the first attempt runs.</summary>
    public const string InProgress = "in-progress";

    /// <summary>The state value once the first attempt has a result.</summary>
    public const string Completed = "completed";
}
