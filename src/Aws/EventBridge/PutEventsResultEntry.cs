namespace Portable.Aws.EventBridge;

/// <summary>What became of one <c>PutEvents</c> entry: its new event id, or an error code and message.</summary>
public sealed record PutEventsResultEntry
{
    /// <summary>The id EventBridge gave the event; null when it was refused.</summary>
    public string? EventId { get; init; }

    /// <summary>Why it was refused (<c>ThrottlingException</c>, <c>InternalFailure</c>, <c>MalformedDetail</c>, …); null when taken.</summary>
    public string? ErrorCode { get; init; }

    /// <summary>EventBridge's explanation of <see cref="ErrorCode"/>.</summary>
    public string? ErrorMessage { get; init; }
}
