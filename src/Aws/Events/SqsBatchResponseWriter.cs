using System.Text.Json;
using Portable.Core.Messaging;

namespace Portable.Aws.Events;

/// <summary>
/// Step 5 for queues on AWS: turns Core's settlements into the partial batch response
/// <c>{"batchItemFailures":[{"itemIdentifier":"…"}]}</c>
/// (https://docs.aws.amazon.com/lambda/latest/dg/services-sqs-errorhandling.html). A <see cref="MessageOutcome.Retry"/>
/// is listed, so SQS makes it visible again; a <see cref="MessageOutcome.DeadLetter"/> was already sent to the
/// dead-letter sink and is not listed, so SQS deletes it. For a FIFO queue, every message after the first failure
/// is listed too (processed or not), so the group is redelivered in order.
/// </summary>
public static class SqsBatchResponseWriter
{
    /// <summary>The item identifiers to report, in batch order.</summary>
    public static IReadOnlyList<string> FailedIds(IReadOnlyList<MessageSettlement> settlements, bool fifo)
    {
        ArgumentNullException.ThrowIfNull(settlements);
        var failed = new List<string>();
        var stopped = false;
        foreach (var settlement in settlements)
        {
            if (stopped || settlement.Outcome == MessageOutcome.Retry)
            {
                failed.Add(settlement.MessageId);
            }

            stopped |= fifo && settlement.Outcome != MessageOutcome.Success;
        }

        return failed;
    }

    /// <summary>The response body to POST to <c>/invocation/{id}/response</c>, UTF-8.</summary>
    public static byte[] Write(IReadOnlyList<MessageSettlement> settlements, bool fifo) =>
        JsonSerializer.SerializeToUtf8Bytes(
            new SqsBatchResponse([.. FailedIds(settlements, fifo).Select(id => new SqsBatchItemFailure(id))]),
            SqsJsonContext.Default.SqsBatchResponse);
}
