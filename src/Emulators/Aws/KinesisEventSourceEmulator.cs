using System.Buffers;
using System.Globalization;
using System.Numerics;
using System.Text.Json;

namespace Portable.Emulators.Aws;

/// <summary>
/// Lambda's Kinesis event source mapping, in process: it reads each shard of a stream from a real Kinesis endpoint
/// (kinesalite in tests) with <c>GetShardIterator</c> and <c>GetRecords</c>, invokes the function through a
/// <see cref="LambdaRuntimeApiEmulator"/> with an event shaped like <c>protocols/samples/aws-kinesis-event.json</c>
/// (up to <see cref="KinesisEventSourceEmulatorOptions.BatchSize"/> records of one shard, in shard order), and
/// checkpoints as Lambda does with <c>ReportBatchItemFailures</c>: past the whole batch on success; at the lowest
/// sequence number in <c>batchItemFailures</c> on a partial failure (the records before it are done, it and everything
/// after it in the shard come again); at the batch's first record on an error, a timeout, or an answer it cannot read.
/// The rest of a shard waits behind a failing record until it succeeds or, with
/// <see cref="KinesisEventSourceEmulatorOptions.MaximumRetryAttempts"/> set, until the retries are spent and the batch
/// is skipped and described in <see cref="OnFailure"/>. Shards are independent. Polling happens only when asked.
/// </summary>
public sealed class KinesisEventSourceEmulator : IDisposable
{
    private readonly LambdaRuntimeApiEmulator _lambda;
    private readonly KinesisEventSourceEmulatorOptions _options;
    private readonly KinesisApiClient _kinesis;
    private readonly Dictionary<string, ShardPosition> _positions;
    private readonly List<KinesisOnFailureRecord> _onFailure = [];
    private readonly Lock _gate = new();

    private KinesisEventSourceEmulator(LambdaRuntimeApiEmulator lambda, KinesisEventSourceEmulatorOptions options, KinesisApiClient kinesis, IReadOnlyList<KinesisShard> shards)
    {
        _lambda = lambda;
        _options = options;
        _kinesis = kinesis;
        Shards = shards;
        _positions = shards.ToDictionary(s => s.ShardId, _ => new ShardPosition(), StringComparer.Ordinal);
    }

    /// <summary>The stream's shards, read once at start.</summary>
    public IReadOnlyList<KinesisShard> Shards { get; }

    /// <summary>The stream's ARN, as written in <c>eventSourceARN</c>.</summary>
    public string StreamArn => $"arn:aws:kinesis:{_options.Region}:{_options.AccountId}:stream/{_options.StreamName}";

    /// <summary>The settings.</summary>
    public KinesisEventSourceEmulatorOptions Options => _options;

    /// <summary>The batches given up after their last retry, in order.</summary>
    public IReadOnlyList<KinesisOnFailureRecord> OnFailure
    {
        get
        {
            lock (_gate)
            {
                return [.. _onFailure];
            }
        }
    }

    /// <summary>Reads the stream's shards and starts every one at <c>TRIM_HORIZON</c> (the oldest record).</summary>
    /// <exception cref="KinesisApiException">The endpoint refused: no such stream, say.</exception>
    public static async Task<KinesisEventSourceEmulator> StartAsync(LambdaRuntimeApiEmulator lambda, KinesisEventSourceEmulatorOptions options, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(lambda);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentOutOfRangeException.ThrowIfLessThan(options.BatchSize, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(options.BatchSize, 10_000);
        ArgumentOutOfRangeException.ThrowIfLessThan(options.MaximumRetryAttempts, -1);
        var kinesis = new KinesisApiClient(options.Endpoint, options.Region);
        try
        {
            var shards = await kinesis.ListShardsAsync(options.StreamName, cancellationToken).ConfigureAwait(false);
            return new KinesisEventSourceEmulator(lambda, options, kinesis, shards);
        }
        catch
        {
            kinesis.Dispose();
            throw;
        }
    }

    /// <summary>Polls every shard once, one after the other (a shard has at most one batch in flight).</summary>
    public async Task<IReadOnlyList<KinesisPollResult>> PollOnceAsync(CancellationToken cancellationToken = default)
    {
        var results = new List<KinesisPollResult>(Shards.Count);
        foreach (var shard in Shards)
        {
            results.Add(await PollShardAsync(shard.ShardId, cancellationToken).ConfigureAwait(false));
        }

        return results;
    }

    /// <summary>
    /// One poll of <paramref name="shardId"/>: reads a batch from its checkpoint, invokes the function once with it, and
    /// moves the checkpoint by the answer. Returns without invoking when the shard has nothing new.
    /// </summary>
    public async Task<KinesisPollResult> PollShardAsync(string shardId, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(shardId);
        var position = _positions.GetValueOrDefault(shardId) ?? throw new ArgumentException($"Stream {_options.StreamName} has no shard {shardId}.", nameof(shardId));
        var iterator = await _kinesis.GetShardIteratorAsync(_options.StreamName, shardId, position.SequenceNumber, position.After, cancellationToken).ConfigureAwait(false);
        var batch = await _kinesis.GetRecordsAsync(iterator, _options.BatchSize, cancellationToken).ConfigureAwait(false);
        if (batch.Count == 0)
        {
            return new KinesisPollResult(shardId, [], [], null, null);
        }

        var result = await _lambda.InvokeAsync(
            new LambdaInvocationRequest { Payload = BuildEvent(shardId, batch), Timeout = _options.FunctionTimeout },
            cancellationToken).ConfigureAwait(false);
        return Settle(shardId, position, batch, result);
    }

    /// <summary>Builds the Kinesis event Lambda would send for <paramref name="batch"/> of <paramref name="shardId"/> (exposed for tests).</summary>
    public byte[] BuildEvent(string shardId, IReadOnlyList<KinesisStreamRecord> batch)
    {
        ArgumentNullException.ThrowIfNull(shardId);
        ArgumentNullException.ThrowIfNull(batch);
        var buffer = new ArrayBufferWriter<byte>(1024);
        using (var w = new Utf8JsonWriter(buffer))
        {
            w.WriteStartObject();
            w.WriteStartArray("Records");
            foreach (var record in batch)
            {
                w.WriteStartObject();
                w.WriteStartObject("kinesis");
                w.WriteString("kinesisSchemaVersion", "1.0");
                w.WriteString("partitionKey", record.PartitionKey);
                w.WriteString("sequenceNumber", record.SequenceNumber);
                w.WriteBase64String("data", record.Data);
                w.WriteNumber("approximateArrivalTimestamp", record.ApproximateArrivalTimestamp.ToUnixTimeMilliseconds() / 1000.0);
                w.WriteEndObject();
                w.WriteString("eventSource", "aws:kinesis");
                w.WriteString("eventVersion", "1.0");
                w.WriteString("eventID", $"{shardId}:{record.SequenceNumber}");
                w.WriteString("eventName", "aws:kinesis:record");
                w.WriteString("invokeIdentityArn", $"arn:aws:iam::{_options.AccountId}:role/portable-local-mapping");
                w.WriteString("awsRegion", _options.Region);
                w.WriteString("eventSourceARN", StreamArn);
                w.WriteEndObject();
            }

            w.WriteEndArray();
            w.WriteEndObject();
        }

        return buffer.WrittenSpan.ToArray();
    }

    /// <inheritdoc />
    public void Dispose() => _kinesis.Dispose();

    private KinesisPollResult Settle(string shardId, ShardPosition position, IReadOnlyList<KinesisStreamRecord> batch, LambdaInvocationResult result)
    {
        var delivered = batch.Select(r => r.SequenceNumber).ToArray();
        // Where the retry starts: the batch's first record for an error or an unreadable answer, else the lowest reported.
        var failedAt = result.IsSuccess && TryReadFailures(result.Payload, delivered, out var lowest) ? lowest : 0;
        if (failedAt is null)
        {
            position.MoveAfter(delivered[^1]);
            return new KinesisPollResult(shardId, delivered, delivered, null, result);
        }

        var index = failedAt.Value;
        var committed = delivered[..index];
        var attempts = position.Failed(delivered[index]);
        if (_options.MaximumRetryAttempts >= 0 && attempts > _options.MaximumRetryAttempts)
        {
            // Retries spent: the mapping gives up on what is left of the batch, reports it, and moves on.
            var skipped = delivered[index..];
            lock (_gate)
            {
                _onFailure.Add(new KinesisOnFailureRecord(shardId, skipped[0], skipped[^1], skipped.Length, attempts, "RetryAttemptsExhausted"));
            }

            position.MoveAfter(delivered[^1]);
            return new KinesisPollResult(shardId, delivered, delivered, null, result) { Skipped = skipped };
        }

        if (index > 0)
        {
            position.MoveTo(delivered[index]);
        }

        return new KinesisPollResult(shardId, delivered, committed, delivered[index], result);
    }

    /// <summary>
    /// Reads <c>batchItemFailures</c>: true with <paramref name="lowest"/> the batch index of the lowest reported sequence
    /// number (null when none failed), or false when the answer fails the whole batch (not JSON, an identifier that is
    /// empty, missing or not in the batch), as Lambda treats them.
    /// </summary>
    private static bool TryReadFailures(ReadOnlyMemory<byte> payload, string[] delivered, out int? lowest)
    {
        lowest = null;
        if (payload.IsEmpty)
        {
            return true;
        }

        try
        {
            using var json = JsonDocument.Parse(payload);
            if (json.RootElement.ValueKind != JsonValueKind.Object
                || !json.RootElement.TryGetProperty("batchItemFailures", out var failures)
                || failures.ValueKind == JsonValueKind.Null)
            {
                return true;
            }

            foreach (var failure in failures.EnumerateArray())
            {
                var id = failure.ValueKind == JsonValueKind.Object && failure.TryGetProperty("itemIdentifier", out var item) && item.ValueKind == JsonValueKind.String ? item.GetString() : null;
                var index = string.IsNullOrEmpty(id) ? -1 : Array.IndexOf(delivered, id);
                if (index < 0)
                {
                    return false;
                }

                if (lowest is null || Compare(delivered[index], delivered[lowest.Value]) < 0)
                {
                    lowest = index;
                }
            }

            return true;
        }
        catch (Exception ex) when (ex is JsonException or InvalidOperationException)
        {
            return false;
        }
    }

    // Sequence numbers are decimals longer than any integer type.
    private static int Compare(string a, string b) =>
        BigInteger.Parse(a, NumberStyles.None, CultureInfo.InvariantCulture).CompareTo(BigInteger.Parse(b, NumberStyles.None, CultureInfo.InvariantCulture));

    /// <summary>Where a shard's next batch starts, and how often the record there has failed.</summary>
    private sealed class ShardPosition
    {
        /// <summary>Null: the oldest record (<c>TRIM_HORIZON</c>).</summary>
        public string? SequenceNumber { get; private set; }

        /// <summary>True: after <see cref="SequenceNumber"/>; false: at it.</summary>
        public bool After { get; private set; }

        private string? _failing;
        private int _attempts;

        public void MoveAfter(string sequenceNumber)
        {
            (SequenceNumber, After, _failing, _attempts) = (sequenceNumber, true, null, 0);
        }

        /// <summary>Starts the next batch at <paramref name="sequenceNumber"/>, keeping the count of its failures.</summary>
        public void MoveTo(string sequenceNumber) => (SequenceNumber, After) = (sequenceNumber, false);

        /// <summary>Counts a failed invocation at <paramref name="sequenceNumber"/>: the invocations that failed at that record in a row.</summary>
        public int Failed(string sequenceNumber)
        {
            _attempts = _failing == sequenceNumber ? _attempts + 1 : 1;
            _failing = sequenceNumber;
            return _attempts;
        }
    }
}
