using System.Text.Json.Serialization;

namespace Portable.Aws.Events;

/// <summary>
/// The partial batch response (<c>ReportBatchItemFailures</c>): the ids SQS should make visible again; an empty
/// list means the whole batch succeeded. Sample: <c>protocols/samples/aws-sqs-batch-item-failures-response.json</c>.
/// </summary>
/// <param name="BatchItemFailures">One entry per message to redeliver.</param>
public sealed record SqsBatchResponse([property: JsonPropertyName("batchItemFailures")] IReadOnlyList<SqsBatchItemFailure> BatchItemFailures);
