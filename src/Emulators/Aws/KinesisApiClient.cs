using System.Buffers;
using System.Globalization;
using System.Net.Http.Headers;
using System.Text.Json;

namespace Portable.Emulators.Aws;

/// <summary>
/// The few Kinesis Data Streams calls an event source mapping and a test need, over the service's own protocol: a POST
/// to the endpoint with <c>X-Amz-Target: Kinesis_20131202.{Operation}</c> and an <c>application/x-amz-json-1.1</c> body
/// (docs.aws.amazon.com/kinesis/latest/APIReference). No Kinesis SDK is served here, so the calls are written out. The
/// request carries a SigV4-shaped <c>Authorization</c> header with a placeholder signature: local engines such as
/// kinesalite require the header but do not check the signature; a real endpoint would refuse it.
/// </summary>
public sealed class KinesisApiClient : IDisposable
{
    private const string TargetPrefix = "Kinesis_20131202.";
    private static readonly MediaTypeHeaderValue AmzJson = new("application/x-amz-json-1.1");

    private readonly HttpClient _http;
    private readonly Uri _endpoint;
    private readonly string _region;
    private readonly TimeProvider _time;

    /// <summary>
    /// A client for the Kinesis endpoint at <paramref name="endpoint"/>, signing for <paramref name="region"/>, with
    /// <paramref name="time"/> (the system clock when null) for request dates and the wait for a stream.
    /// </summary>
    public KinesisApiClient(Uri endpoint, string region = "us-east-1", TimeProvider? time = null)
    {
        ArgumentNullException.ThrowIfNull(endpoint);
        ArgumentException.ThrowIfNullOrWhiteSpace(region);
        _endpoint = endpoint;
        _region = region;
        _time = time ?? TimeProvider.System;
        _http = new HttpClient { Timeout = TimeSpan.FromSeconds(30) };
    }

    /// <summary><c>CreateStream</c> with <paramref name="shards"/> shards (the hash key range split evenly between them).</summary>
    public Task CreateStreamAsync(string stream, int shards, CancellationToken cancellationToken = default) =>
        CallAsync("CreateStream", w =>
        {
            w.WriteString("StreamName", stream);
            w.WriteNumber("ShardCount", shards);
        }, cancellationToken);

    /// <summary>Polls <c>DescribeStreamSummary</c> until the stream is <c>ACTIVE</c>; throws <see cref="TimeoutException"/> after <paramref name="timeout"/>.</summary>
    public async Task WaitForActiveAsync(string stream, TimeSpan timeout, CancellationToken cancellationToken = default)
    {
        var until = _time.GetUtcNow() + timeout;
        while (true)
        {
            using var summary = await CallAsync("DescribeStreamSummary", w => w.WriteString("StreamName", stream), cancellationToken).ConfigureAwait(false);
            var status = summary.RootElement.GetProperty("StreamDescriptionSummary").GetProperty("StreamStatus").GetString();
            if (status == "ACTIVE")
            {
                return;
            }

            if (_time.GetUtcNow() > until)
            {
                throw new TimeoutException($"Kinesis stream {stream} is still {status} after {timeout.TotalSeconds:0} s.");
            }

            await Task.Delay(TimeSpan.FromMilliseconds(20), _time, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary><c>ListShards</c>: the stream's shards with their hash key ranges, in shard order.</summary>
    public async Task<IReadOnlyList<KinesisShard>> ListShardsAsync(string stream, CancellationToken cancellationToken = default)
    {
        using var answer = await CallAsync("ListShards", w => w.WriteString("StreamName", stream), cancellationToken).ConfigureAwait(false);
        return [.. answer.RootElement.GetProperty("Shards").EnumerateArray().Select(shard => new KinesisShard(
            shard.GetProperty("ShardId").GetString()!,
            shard.GetProperty("HashKeyRange").GetProperty("StartingHashKey").GetString()!,
            shard.GetProperty("HashKeyRange").GetProperty("EndingHashKey").GetString()!))];
    }

    /// <summary>
    /// <c>PutRecord</c>: appends <paramref name="data"/> under <paramref name="partitionKey"/>; <paramref name="explicitHashKey"/>
    /// (a decimal in the shard's hash key range) picks the shard instead of the key's MD5. Returns where it landed.
    /// </summary>
    public async Task<(string ShardId, string SequenceNumber)> PutRecordAsync(
        string stream, string partitionKey, ReadOnlyMemory<byte> data, string? explicitHashKey = null, CancellationToken cancellationToken = default)
    {
        using var answer = await CallAsync("PutRecord", w =>
        {
            w.WriteString("StreamName", stream);
            w.WriteString("PartitionKey", partitionKey);
            w.WriteBase64String("Data", data.Span);
            if (explicitHashKey is not null)
            {
                w.WriteString("ExplicitHashKey", explicitHashKey);
            }
        }, cancellationToken).ConfigureAwait(false);
        return (answer.RootElement.GetProperty("ShardId").GetString()!, answer.RootElement.GetProperty("SequenceNumber").GetString()!);
    }

    /// <summary>
    /// <c>GetShardIterator</c>: <c>TRIM_HORIZON</c> when <paramref name="sequenceNumber"/> is null, else
    /// <c>AT_SEQUENCE_NUMBER</c> or (with <paramref name="after"/>) <c>AFTER_SEQUENCE_NUMBER</c>.
    /// </summary>
    public async Task<string> GetShardIteratorAsync(string stream, string shardId, string? sequenceNumber, bool after, CancellationToken cancellationToken = default)
    {
        using var answer = await CallAsync("GetShardIterator", w =>
        {
            w.WriteString("StreamName", stream);
            w.WriteString("ShardId", shardId);
            if (sequenceNumber is null)
            {
                w.WriteString("ShardIteratorType", "TRIM_HORIZON");
            }
            else
            {
                w.WriteString("ShardIteratorType", after ? "AFTER_SEQUENCE_NUMBER" : "AT_SEQUENCE_NUMBER");
                w.WriteString("StartingSequenceNumber", sequenceNumber);
            }
        }, cancellationToken).ConfigureAwait(false);
        return answer.RootElement.GetProperty("ShardIterator").GetString()!;
    }

    /// <summary><c>GetRecords</c>: up to <paramref name="limit"/> records from <paramref name="shardIterator"/>, in shard order.</summary>
    public async Task<IReadOnlyList<KinesisStreamRecord>> GetRecordsAsync(string shardIterator, int limit, CancellationToken cancellationToken = default)
    {
        using var answer = await CallAsync("GetRecords", w =>
        {
            w.WriteString("ShardIterator", shardIterator);
            w.WriteNumber("Limit", limit);
        }, cancellationToken).ConfigureAwait(false);
        return [.. answer.RootElement.GetProperty("Records").EnumerateArray().Select(record => new KinesisStreamRecord(
            record.GetProperty("SequenceNumber").GetString()!,
            record.GetProperty("PartitionKey").GetString()!,
            record.GetProperty("Data").GetBytesFromBase64(),
            DateTimeOffset.FromUnixTimeMilliseconds((long)Math.Round(record.GetProperty("ApproximateArrivalTimestamp").GetDouble() * 1000))))];
    }

    /// <inheritdoc />
    public void Dispose() => _http.Dispose();

    private async Task<JsonDocument> CallAsync(string operation, Action<Utf8JsonWriter> body, CancellationToken cancellationToken)
    {
        var buffer = new ArrayBufferWriter<byte>(256);
        using (var w = new Utf8JsonWriter(buffer))
        {
            w.WriteStartObject();
            body(w);
            w.WriteEndObject();
        }

        var now = _time.GetUtcNow();
        using var request = new HttpRequestMessage(HttpMethod.Post, _endpoint) { Content = new ByteArrayContent(buffer.WrittenSpan.ToArray()) };
        request.Content.Headers.ContentType = AmzJson;
        request.Headers.TryAddWithoutValidation("X-Amz-Target", TargetPrefix + operation);
        request.Headers.TryAddWithoutValidation("X-Amz-Date", now.ToString("yyyyMMdd'T'HHmmss'Z'", CultureInfo.InvariantCulture));
        request.Headers.TryAddWithoutValidation(
            "Authorization",
            $"AWS4-HMAC-SHA256 Credential=AKIDLOCAL/{now:yyyyMMdd}/{_region}/kinesis/aws4_request, SignedHeaders=content-type;host;x-amz-date;x-amz-target, Signature=0");
        using var response = await _http.SendAsync(request, cancellationToken).ConfigureAwait(false);
        var bytes = await response.Content.ReadAsByteArrayAsync(cancellationToken).ConfigureAwait(false);
        if (!response.IsSuccessStatusCode)
        {
            string? type = null, message = null;
            try
            {
                using var error = JsonDocument.Parse(bytes);
                type = error.RootElement.TryGetProperty("__type", out var t) ? t.GetString() : null;
                message = error.RootElement.TryGetProperty("message", out var m) ? m.GetString() : null;
            }
            catch (JsonException)
            {
                message = System.Text.Encoding.UTF8.GetString(bytes);
            }

            throw new KinesisApiException(operation, (int)response.StatusCode, type, message);
        }

        return bytes.Length == 0 ? JsonDocument.Parse("{}") : JsonDocument.Parse(bytes);
    }
}
