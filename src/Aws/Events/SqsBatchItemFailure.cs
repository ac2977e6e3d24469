using System.Text.Json.Serialization;

namespace Portable.Aws.Events;

/// <summary>One failed message of a batch.</summary>
/// <param name="ItemIdentifier">The record's <c>messageId</c>.</param>
public sealed record SqsBatchItemFailure([property: JsonPropertyName("itemIdentifier")] string ItemIdentifier);
