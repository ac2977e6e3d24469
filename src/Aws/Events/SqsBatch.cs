using Portable.Core.Messaging;

namespace Portable.Aws.Events;

/// <summary>The messages of one SQS event, in order.</summary>
/// <param name="Messages">The neutral messages.</param>
/// <param name="IsFifo">True when the records come from a FIFO queue (a <c>.fifo</c> ARN or a <c>MessageGroupId</c>).</param>
public sealed record SqsBatch(IReadOnlyList<IncomingMessage> Messages, bool IsFifo);
