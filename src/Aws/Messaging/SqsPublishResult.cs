namespace Portable.Aws.Messaging;

/// <summary>What became of one message of <see cref="SqsPublisher.PublishBatchAsync"/>.</summary>
/// <param name="Index">Its position in the batch.</param>
/// <param name="MessageId">The id SQS assigned, when accepted.</param>
/// <param name="ErrorCode">The SQS error code, when refused.</param>
/// <param name="ErrorMessage">The SQS error message, when refused.</param>
public sealed record SqsPublishResult(int Index, string? MessageId, string? ErrorCode, string? ErrorMessage)
{
    /// <summary>True when SQS accepted the message.</summary>
    public bool Succeeded => MessageId is not null;
}
