using System.Text.Json;
using Portable.Core.Messaging;

namespace Portable.Aws.Events;

/// <summary>
/// Step 5 for queues on AWS: turns Core's settlements into the partial batch response
/// <c>{"batchItemFailures":[{"itemIdentifier":"…"}]}</c>
/// (https://docs.aws.amazon.com/lambda/latest/dg/services-sqs-errorhandling.html). A <see cref="MessageOutcome.Retry"/>
/// is listed, so SQS makes it visible again; a <see cref="MessageOutcome.DeadLetter"/> was already sent to the
/// dead-letter sink and is not listed, so SQS deletes it. For a FIFO queue, every message of a group after the group's
/// first failure is listed too (processed or not), so the group is redelivered in order; other groups are not held back.
/// </summary>
public static class SqsBatchResponseWriter
{
    /// <summary>The item identifiers to report, in batch order.</summary>
    /// <param name="messages">The batch, for each message's group (<see cref="IncomingMessage.OrderingKey"/>).</param>
    /// <param name="settlements">One settlement per message, in the same order.</param>
    /// <param name="fifo">True for a FIFO queue.</param>
    public static IReadOnlyList<string> FailedIds(IReadOnlyList<IncomingMessage> messages, IReadOnlyList<MessageSettlement> settlements, bool fifo)
    {
        ArgumentNullException.ThrowIfNull(messages);
        ArgumentNullException.ThrowIfNull(settlements);
        if (messages.Count != settlements.Count)
        {
            throw new ArgumentException($"{settlements.Count} settlements for {messages.Count} messages.", nameof(settlements));
        }

        var failed = new List<string>();
        var stopped = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < settlements.Count; i++)
        {
            var group = messages[i].OrderingKey ?? string.Empty;
            if (settlements[i].Outcome == MessageOutcome.Retry || (fifo && stopped.Contains(group)))
            {
                failed.Add(settlements[i].MessageId);
            }

            if (fifo && settlements[i].Outcome != MessageOutcome.Success)
            {
                stopped.Add(group);
            }
        }

        return failed;
    }

    /// <summary>The response body to POST to <c>/invocation/{id}/response</c>, UTF-8.</summary>
    public static byte[] Write(IReadOnlyList<IncomingMessage> messages, IReadOnlyList<MessageSettlement> settlements, bool fifo) =>
        JsonSerializer.SerializeToUtf8Bytes(
            new SqsBatchResponse([.. FailedIds(messages, settlements, fifo).Select(id => new SqsBatchItemFailure(id))]),
            SqsJsonContext.Default.SqsBatchResponse);
}
