using System.Text.Json;
using Portable.Core.Streams;

namespace Portable.Aws.Events;

/// <summary>
/// Step 5 for streams on AWS: turns Core's <see cref="StreamBatchResult"/> into the partial batch response
/// <c>{"batchItemFailures":[{"itemIdentifier":"&lt;sequence number&gt;"}]}</c>, naming the first failed record of each
/// stopped partition (docs.aws.amazon.com/lambda/latest/dg/services-kinesis-batchfailurereporting.html). Lambda takes
/// the lowest of them as the checkpoint and delivers everything from it again, so every failed record and every record
/// after it in its shard comes back; records before it are done. An empty list means the whole batch succeeded. It is
/// the same shape as SQS's, written with the same source-generated type.
/// </summary>
public static class StreamBatchResponseWriter
{
    /// <summary>The sequence numbers to report, in batch order.</summary>
    public static IReadOnlyList<string> FailedSequenceNumbers(StreamBatchResult result)
    {
        ArgumentNullException.ThrowIfNull(result);
        return [.. result.FirstFailures.Select(f => f.SequenceNumber)];
    }

    /// <summary>The response body to POST to <c>/invocation/{id}/response</c>, UTF-8.</summary>
    public static byte[] Write(StreamBatchResult result) =>
        JsonSerializer.SerializeToUtf8Bytes(
            new SqsBatchResponse([.. FailedSequenceNumbers(result).Select(sequence => new SqsBatchItemFailure(sequence))]),
            SqsJsonContext.Default.SqsBatchResponse);
}
