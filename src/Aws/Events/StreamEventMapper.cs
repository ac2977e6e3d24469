using System.Buffers;
using System.Text;
using System.Text.Json;
using Portable.Aws.Runtime;
using Portable.Core.Json;
using Portable.Core.Streams;

namespace Portable.Aws.Events;

/// <summary>
/// Step 2 for streams on AWS: turns a Kinesis event (<c>Records[].eventSource == "aws:kinesis"</c>) or a DynamoDB
/// Streams event (<c>"aws:dynamodb"</c>) into neutral <see cref="StreamRecord"/>s.
/// <list type="bullet">
/// <item>Kinesis: <c>kinesis.partitionKey</c> → partition key, <c>kinesis.sequenceNumber</c> → sequence number,
/// <c>kinesis.data</c> (base64) → data, <c>kinesis.approximateArrivalTimestamp</c> (epoch seconds) → arrival time, the
/// <c>shardId-…</c> before the colon of <c>eventID</c> → shard, the stream name of <c>eventSourceARN</c> → source.</item>
/// <item>DynamoDB Streams: <c>dynamodb.Keys</c> (as canonical JSON) → partition key, since a stream keeps the changes of
/// one item in order; <c>dynamodb.SequenceNumber</c> → sequence number; the record's own JSON → data;
/// <c>eventName</c> (<c>INSERT</c>, <c>MODIFY</c>, <c>REMOVE</c>) → event name; <c>dynamodb.ApproximateCreationDateTime</c>
/// → arrival time; the table name of <c>eventSourceARN</c> → source.</item>
/// </list>
/// Parsing uses <see cref="StreamJsonContext"/> only (source-generated, AOT-safe).
/// </summary>
public static class StreamEventMapper
{
    /// <summary>The <c>eventSource</c> of every Kinesis record.</summary>
    public const string KinesisEventSource = "aws:kinesis";

    /// <summary>The <c>eventSource</c> of every DynamoDB Streams record.</summary>
    public const string DynamoDbEventSource = "aws:dynamodb";

    private const string Accepted = "this function only accepts Kinesis or DynamoDB Streams events (Records[].eventSource \"aws:kinesis\" or \"aws:dynamodb\")";

    /// <summary>
    /// Maps <paramref name="payload"/>. On failure <paramref name="error"/> is what to POST to
    /// <c>/invocation/{id}/error</c>: <see cref="ApiGatewayRequestMapper.UnsupportedEventType"/> for an event from
    /// another source, <see cref="ApiGatewayRequestMapper.InvalidEventType"/> for a stream event missing what a record
    /// needs. An error fails the whole batch, so Lambda delivers it again from its first record.
    /// </summary>
    public static bool TryMap(ReadOnlyMemory<byte> payload, out StreamEventBatch batch, out LambdaError error)
    {
        batch = null!;
        error = null!;
        LambdaStreamEvent? streamEvent;
        try
        {
            streamEvent = JsonSerializer.Deserialize(payload.Span, StreamJsonContext.Default.LambdaStreamEvent);
        }
        catch (JsonException ex)
        {
            error = new LambdaError(ApiGatewayRequestMapper.UnsupportedEventType, $"The event is not a stream event ({ex.Message}); {Accepted}.");
            return false;
        }

        if (streamEvent?.Records is not { Count: > 0 } records)
        {
            error = new LambdaError(ApiGatewayRequestMapper.UnsupportedEventType, $"The event has no Records; {Accepted}.");
            return false;
        }

        string? source = null;
        var mapped = new List<StreamRecord>(records.Count);
        for (var i = 0; i < records.Count; i++)
        {
            var element = records[i];
            if (element.ValueKind != JsonValueKind.Object)
            {
                error = Invalid(i, $"is {element.ValueKind}, not an object");
                return false;
            }

            var eventSource = element.TryGetProperty("eventSource", out var s) && s.ValueKind == JsonValueKind.String ? s.GetString() : null;
            if (eventSource is not (KinesisEventSource or DynamoDbEventSource))
            {
                error = new LambdaError(ApiGatewayRequestMapper.UnsupportedEventType, $"Records[{i}].eventSource is {Quote(eventSource)}; {Accepted}.");
                return false;
            }

            if (source is not null && source != eventSource)
            {
                error = Invalid(i, $"is from {Quote(eventSource)} but Records[0] is from {Quote(source)}; one event comes from one stream");
                return false;
            }

            source = eventSource;
            StreamRecord? record;
            try
            {
                record = eventSource == KinesisEventSource ? MapKinesis(element, i, out error) : MapDynamoDb(element, i, out error);
            }
            catch (JsonException ex)
            {
                record = null;
                error = Invalid(i, $"does not have the {eventSource} record's shape ({ex.Message})");
            }

            if (record is null)
            {
                return false;
            }

            mapped.Add(record);
        }

        batch = new StreamEventBatch(mapped, source!);
        return true;
    }

    /// <summary>The name after <c>{resource}/</c> in an ARN's sixth field (<c>stream/{name}</c>, <c>table/{name}/stream/…</c>), or null.</summary>
    public static string? ResourceNameFromArn(string? arn, string service, string resource)
    {
        ArgumentNullException.ThrowIfNull(service);
        ArgumentNullException.ThrowIfNull(resource);
        if (string.IsNullOrEmpty(arn))
        {
            return null;
        }

        var parts = arn.Split(':', 6);
        if (parts.Length != 6 || parts[0] != "arn" || parts[2] != service)
        {
            return null;
        }

        var path = parts[5].Split('/');
        return path.Length >= 2 && path[0] == resource && path[1].Length > 0 ? path[1] : null;
    }

    /// <summary>True when <paramref name="value"/> is a sequence number: decimal digits only.</summary>
    public static bool IsSequenceNumber(string? value) => !string.IsNullOrEmpty(value) && value.All(char.IsAsciiDigit);

    private static StreamRecord? MapKinesis(JsonElement element, int index, out LambdaError error)
    {
        error = null!;
        var record = element.Deserialize(StreamJsonContext.Default.KinesisEventRecord)!;
        if (record.Kinesis is not { } kinesis)
        {
            error = Invalid(index, "has no kinesis object");
            return null;
        }

        if (!IsSequenceNumber(kinesis.SequenceNumber))
        {
            error = Invalid(index, $"has kinesis.sequenceNumber {Quote(kinesis.SequenceNumber)}, not a decimal sequence number");
            return null;
        }

        var sequence = kinesis.SequenceNumber!;
        if (string.IsNullOrEmpty(kinesis.PartitionKey))
        {
            error = Invalid(index, $"(sequence number {sequence}) has no kinesis.partitionKey");
            return null;
        }

        if (kinesis.Data is null)
        {
            error = Invalid(index, $"(sequence number {sequence}) has no kinesis.data");
            return null;
        }

        var data = new byte[(kinesis.Data.Length * 3 / 4) + 3];
        if (!Convert.TryFromBase64String(kinesis.Data, data, out var written))
        {
            error = Invalid(index, $"(sequence number {sequence}) has kinesis.data that is not base64");
            return null;
        }

        if (ResourceNameFromArn(record.EventSourceArn, "kinesis", "stream") is not { } stream)
        {
            error = Invalid(index, $"(sequence number {sequence}) has eventSourceARN {Quote(record.EventSourceArn)}, not a Kinesis stream ARN (arn:aws:kinesis:region:account:stream/name)");
            return null;
        }

        if (!TryArrival(kinesis.ApproximateArrivalTimestamp, out var arrivedAt))
        {
            error = Invalid(index, $"(sequence number {sequence}) has kinesis.approximateArrivalTimestamp {kinesis.ApproximateArrivalTimestamp}, not epoch seconds");
            return null;
        }

        var separator = record.EventId?.IndexOf(':', StringComparison.Ordinal) ?? -1;
        return new StreamRecord
        {
            PartitionKey = kinesis.PartitionKey,
            SequenceNumber = sequence,
            Data = data.AsMemory(0, written),
            Source = stream,
            ShardId = separator > 0 ? record.EventId![..separator] : null,
            ArrivedAt = arrivedAt,
            EventName = record.EventName,
        };
    }

    private static StreamRecord? MapDynamoDb(JsonElement element, int index, out LambdaError error)
    {
        error = null!;
        var record = element.Deserialize(StreamJsonContext.Default.DynamoDbStreamRecord)!;
        if (record.DynamoDb is not { } change)
        {
            error = Invalid(index, "has no dynamodb object");
            return null;
        }

        if (!IsSequenceNumber(change.SequenceNumber))
        {
            error = Invalid(index, $"has dynamodb.SequenceNumber {Quote(change.SequenceNumber)}, not a decimal sequence number");
            return null;
        }

        var sequence = change.SequenceNumber!;
        if (record.EventName is not ("INSERT" or "MODIFY" or "REMOVE"))
        {
            error = Invalid(index, $"(sequence number {sequence}) has eventName {Quote(record.EventName)}, not INSERT, MODIFY or REMOVE");
            return null;
        }

        if (change.Keys is not { ValueKind: JsonValueKind.Object } keys || !keys.EnumerateObject().Any())
        {
            error = Invalid(index, $"(sequence number {sequence}) has no dynamodb.Keys object");
            return null;
        }

        if (ResourceNameFromArn(record.EventSourceArn, "dynamodb", "table") is not { } table)
        {
            error = Invalid(index, $"(sequence number {sequence}) has eventSourceARN {Quote(record.EventSourceArn)}, not a DynamoDB stream ARN (arn:aws:dynamodb:region:account:table/name/stream/label)");
            return null;
        }

        if (!TryArrival(change.ApproximateCreationDateTime, out var arrivedAt))
        {
            error = Invalid(index, $"(sequence number {sequence}) has dynamodb.ApproximateCreationDateTime {change.ApproximateCreationDateTime}, not epoch seconds");
            return null;
        }

        // The item's key, written the same way whatever the member order, is the partition its changes are ordered in.
        var canonicalKeys = new ArrayBufferWriter<byte>();
        CanonicalJson.TryWrite(Encoding.UTF8.GetBytes(keys.GetRawText()), canonicalKeys);
        return new StreamRecord
        {
            PartitionKey = Encoding.UTF8.GetString(canonicalKeys.WrittenSpan),
            SequenceNumber = sequence,
            Data = Encoding.UTF8.GetBytes(element.GetRawText()),
            Source = table,
            ArrivedAt = arrivedAt,
            EventName = record.EventName,
        };
    }

    private static bool TryArrival(double? epochSeconds, out DateTimeOffset? arrivedAt)
    {
        arrivedAt = null;
        if (epochSeconds is not { } seconds)
        {
            return true;
        }

        // 253402300799 is 9999-12-31T23:59:59Z, the last second a DateTimeOffset holds.
        if (!double.IsFinite(seconds) || seconds < 0 || seconds > 253_402_300_799)
        {
            return false;
        }

        arrivedAt = DateTimeOffset.FromUnixTimeMilliseconds((long)Math.Round(seconds * 1000));
        return true;
    }

    private static LambdaError Invalid(int index, string problem) =>
        new(ApiGatewayRequestMapper.InvalidEventType, $"The stream event is malformed: Records[{index}] {problem}. The whole batch fails and Lambda delivers it again.");

    private static string Quote(string? value) => value is null ? "missing" : $"\"{value}\"";
}
