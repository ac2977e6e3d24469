using Portable.Core.Functions;

namespace Portable.Core.Streams;

/// <summary>
/// A stream function as a type: one method, one record, no cloud types. The platform delivers records in batches;
/// Portable runs a batch record by record, in order per <see cref="StreamRecord.PartitionKey"/>. Returning handles the
/// record. Throwing fails it: the rest of its partition in the batch is not run, and the platform delivers the record
/// and everything after it in that partition again (Kinesis and DynamoDB Streams retry until the record succeeds or
/// expires). Throwing <see cref="Messaging.PermanentFailureException"/> dead-letters the record instead and its
/// partition goes on. Records of other partitions go on either way. Delivery is at least once: a record can come
/// again after it succeeded, so make the effect idempotent (by <see cref="StreamRecord.SequenceNumber"/>).
/// </summary>
public interface IStreamFunction
{
    /// <summary>Handles one record.</summary>
    ValueTask HandleAsync(StreamRecord record, FunctionContext context, CancellationToken cancellationToken);
}
