using System.Globalization;
using System.Security.Cryptography;
using Amazon.DynamoDBv2;
using Amazon.DynamoDBv2.Model;
using Portable.Core.State;

namespace Portable.Aws.State;

/// <summary>
/// The AWS state store: one DynamoDB table shared by every collection, written through the low-level
/// <see cref="IAmazonDynamoDB"/> API only (the DataModel and DocumentModel layers are not trim-safe).
/// </summary>
/// <remarks>
/// <para>Table layout (created by <see cref="EnsureTableAsync"/>, on-demand billing):</para>
/// <list type="table">
/// <item><term><c>collection</c> (S, partition key)</term><description>the collection name.</description></item>
/// <item><term><c>key</c> (S, sort key)</term><description>the entry's key; DynamoDB keeps a partition sorted by it (UTF-8 byte order, which is
/// ordinal order for every key without surrogate pairs), so a page is one <c>Query</c>.</description></item>
/// <item><term><c>value</c> (B)</term><description>the document; left out when empty.</description></item>
/// <item><term><c>etag</c> (S)</term><description>a random tag per write, so a key deleted and re-created never matches a stale tag.</description></item>
/// <item><term><c>expiresAtMs</c> (N)</term><description>the deadline in Unix milliseconds, checked on every read and in every write condition.</description></item>
/// <item><term><c>ttl</c> (N)</term><description>the same deadline in Unix seconds, rounded up: point the table's TTL setting at it so DynamoDB
/// eventually deletes expired items (it never deletes before the deadline; until it does, the item reads as absent).</description></item>
/// </list>
/// <para>Every conditional write is one <c>PutItem</c>/<c>DeleteItem</c> whose <c>ConditionExpression</c> carries the condition (absent or
/// expired for an insert, same ETag and live for a replace or a conditional delete), so DynamoDB's single-item atomicity makes it
/// race-free; no transactions (which dynalite lacks). Reads are strongly consistent. Limits from the service: an item is at most
/// 400 KB, a key at most 1 KiB (UTF-8), a sort key cannot be empty.</para>
/// </remarks>
public sealed class DynamoDbStateStore : IStateStore
{
    /// <summary>The partition key attribute: the collection.</summary>
    public const string CollectionAttribute = "collection";

    /// <summary>The sort key attribute: the entry's key.</summary>
    public const string KeyAttribute = "key";

    /// <summary>The document attribute.</summary>
    public const string ValueAttribute = "value";

    /// <summary>The version tag attribute the conditional writes compare.</summary>
    public const string ETagAttribute = "etag";

    /// <summary>The exact deadline, Unix milliseconds.</summary>
    public const string ExpiresAtAttribute = "expiresAtMs";

    /// <summary>The deadline in Unix seconds, for the table's TTL setting.</summary>
    public const string TtlAttribute = "ttl";

    private const string LiveCondition = "(attribute_not_exists(#x) OR #x > :now)";

    private readonly IAmazonDynamoDB _client;
    private readonly string _table;
    private readonly TimeProvider _time;

    /// <summary>A store over the table <paramref name="tableName"/>; the caller owns <paramref name="client"/>.</summary>
    public DynamoDbStateStore(IAmazonDynamoDB client, string tableName, TimeProvider timeProvider)
    {
        ArgumentNullException.ThrowIfNull(client);
        ArgumentException.ThrowIfNullOrEmpty(tableName);
        ArgumentNullException.ThrowIfNull(timeProvider);
        _client = client;
        _table = tableName;
        _time = timeProvider;
    }

    /// <summary>Creates the table with the layout above when it does not exist, and waits until it is active.</summary>
    public async Task EnsureTableAsync(CancellationToken cancellationToken = default)
    {
        try
        {
            await _client.CreateTableAsync(
                new CreateTableRequest
                {
                    TableName = _table,
                    BillingMode = BillingMode.PAY_PER_REQUEST,
                    AttributeDefinitions =
                    [
                        new AttributeDefinition(CollectionAttribute, ScalarAttributeType.S),
                        new AttributeDefinition(KeyAttribute, ScalarAttributeType.S),
                    ],
                    KeySchema =
                    [
                        new KeySchemaElement(CollectionAttribute, KeyType.HASH),
                        new KeySchemaElement(KeyAttribute, KeyType.RANGE),
                    ],
                },
                cancellationToken).ConfigureAwait(false);
        }
        catch (ResourceInUseException)
        {
            // Already there (or being created by another instance): wait for it below.
        }

        for (var attempt = 0; ; attempt++)
        {
            var described = await _client.DescribeTableAsync(new DescribeTableRequest { TableName = _table }, cancellationToken).ConfigureAwait(false);
            if (described.Table.TableStatus == TableStatus.ACTIVE)
            {
                return;
            }

            if (attempt >= 600)
            {
                throw new TimeoutException($"DynamoDB table {_table} is still {described.Table.TableStatus} after waiting for it to become ACTIVE.");
            }

            await Task.Delay(TimeSpan.FromMilliseconds(100), cancellationToken).ConfigureAwait(false);
        }
    }

    /// <inheritdoc />
    public async ValueTask<StateEntry?> GetAsync(string collection, string key, CancellationToken cancellationToken = default)
    {
        var response = await _client.GetItemAsync(
            new GetItemRequest { TableName = _table, Key = Key(collection, key), ConsistentRead = true },
            cancellationToken).ConfigureAwait(false);
        return response.Item is { Count: > 0 } item && IsLive(item, NowMs()) ? ToEntry(item) : null;
    }

    /// <inheritdoc />
    public ValueTask<StateWriteResult> InsertAsync(string collection, string key, ReadOnlyMemory<byte> value, DateTimeOffset? expiresAt = null, CancellationToken cancellationToken = default) =>
        PutAsync(collection, key, value, expiresAt, "attribute_not_exists(#k) OR NOT " + LiveCondition, ifMatch: null, cancellationToken);

    /// <inheritdoc />
    public ValueTask<StateWriteResult> ReplaceAsync(string collection, string key, ReadOnlyMemory<byte> value, string ifMatch, DateTimeOffset? expiresAt = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(ifMatch);
        return PutAsync(collection, key, value, expiresAt, "#e = :m AND " + LiveCondition, ifMatch, cancellationToken);
    }

    /// <inheritdoc />
    public ValueTask<StateWriteResult> PutAsync(string collection, string key, ReadOnlyMemory<byte> value, DateTimeOffset? expiresAt = null, CancellationToken cancellationToken = default) =>
        PutAsync(collection, key, value, expiresAt, condition: null, ifMatch: null, cancellationToken);

    /// <inheritdoc />
    public async ValueTask<bool> DeleteAsync(string collection, string key, string? ifMatch = null, CancellationToken cancellationToken = default)
    {
        var request = new DeleteItemRequest
        {
            TableName = _table,
            Key = Key(collection, key),
            ConditionExpression = "attribute_exists(#k) AND " + LiveCondition + (ifMatch is null ? string.Empty : " AND #e = :m"),
            ExpressionAttributeNames = new Dictionary<string, string> { ["#k"] = KeyAttribute, ["#x"] = ExpiresAtAttribute },
            ExpressionAttributeValues = new Dictionary<string, AttributeValue> { [":now"] = Number(NowMs()) },
        };
        if (ifMatch is not null)
        {
            request.ExpressionAttributeNames["#e"] = ETagAttribute;
            request.ExpressionAttributeValues[":m"] = new AttributeValue { S = ifMatch };
        }

        try
        {
            await _client.DeleteItemAsync(request, cancellationToken).ConfigureAwait(false);
            return true;
        }
        catch (ConditionalCheckFailedException)
        {
            return false;
        }
    }

    /// <inheritdoc />
    public async ValueTask<StatePage> ListAsync(string collection, int limit, string? afterKey = null, CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(limit, 1);
        ArgumentNullException.ThrowIfNull(collection);

        // DynamoDB applies Limit before the filter, so expired items can leave a page short: keep querying from where
        // the last one stopped until limit + 1 live entries are in hand (the extra one says whether more follow).
        var entries = new List<StateEntry>(limit + 1);
        var nowMs = NowMs();
        var names = new Dictionary<string, string> { ["#c"] = CollectionAttribute, ["#x"] = ExpiresAtAttribute };
        var values = new Dictionary<string, AttributeValue> { [":c"] = new() { S = collection }, [":now"] = Number(nowMs) };
        var keyCondition = "#c = :c";
        if (!string.IsNullOrEmpty(afterKey))
        {
            keyCondition += " AND #k > :after";
            names["#k"] = KeyAttribute;
            values[":after"] = new AttributeValue { S = afterKey };
        }

        Dictionary<string, AttributeValue>? startKey = null;
        do
        {
            var response = await _client.QueryAsync(
                new QueryRequest
                {
                    TableName = _table,
                    ConsistentRead = true,
                    KeyConditionExpression = keyCondition,
                    FilterExpression = LiveCondition,
                    ExpressionAttributeNames = names,
                    ExpressionAttributeValues = values,
                    Limit = limit + 1 - entries.Count,
                    ExclusiveStartKey = startKey,
                },
                cancellationToken).ConfigureAwait(false);
            foreach (var item in response.Items ?? [])
            {
                entries.Add(ToEntry(item));
            }

            startKey = response.LastEvaluatedKey is { Count: > 0 } last ? last : null;
        }
        while (startKey is not null && entries.Count <= limit);

        var hasMore = entries.Count > limit;
        return new StatePage(hasMore ? entries[..limit] : entries, hasMore);
    }

    private async ValueTask<StateWriteResult> PutAsync(string collection, string key, ReadOnlyMemory<byte> value, DateTimeOffset? expiresAt, string? condition, string? ifMatch, CancellationToken cancellationToken)
    {
        var etag = NewETag();
        var item = Key(collection, key);
        item[ETagAttribute] = new AttributeValue { S = etag };
        if (!value.IsEmpty)
        {
            item[ValueAttribute] = new AttributeValue { B = new MemoryStream(value.ToArray(), writable: false) };
        }

        if (expiresAt is { } deadline)
        {
            var ms = deadline.ToUnixTimeMilliseconds();
            item[ExpiresAtAttribute] = Number(ms);
            item[TtlAttribute] = Number((ms + 999) / 1000);
        }

        var request = new PutItemRequest { TableName = _table, Item = item };
        if (condition is not null)
        {
            request.ConditionExpression = condition;
            request.ExpressionAttributeNames = new Dictionary<string, string> { ["#x"] = ExpiresAtAttribute };
            request.ExpressionAttributeValues = new Dictionary<string, AttributeValue> { [":now"] = Number(NowMs()) };
            if (condition.Contains("#k", StringComparison.Ordinal))
            {
                request.ExpressionAttributeNames["#k"] = KeyAttribute;
            }

            if (ifMatch is not null)
            {
                request.ExpressionAttributeNames["#e"] = ETagAttribute;
                request.ExpressionAttributeValues[":m"] = new AttributeValue { S = ifMatch };
            }
        }

        try
        {
            await _client.PutItemAsync(request, cancellationToken).ConfigureAwait(false);
            return StateWriteResult.Written(etag);
        }
        catch (ConditionalCheckFailedException)
        {
            return StateWriteResult.Conflict;
        }
    }

    private static Dictionary<string, AttributeValue> Key(string collection, string key)
    {
        ArgumentException.ThrowIfNullOrEmpty(collection);
        ArgumentException.ThrowIfNullOrEmpty(key);
        return new Dictionary<string, AttributeValue>
        {
            [CollectionAttribute] = new() { S = collection },
            [KeyAttribute] = new() { S = key },
        };
    }

    private long NowMs() => _time.GetUtcNow().ToUnixTimeMilliseconds();

    private static bool IsLive(Dictionary<string, AttributeValue> item, long nowMs) =>
        ExpiresAtMs(item) is not { } ms || ms > nowMs;

    private static long? ExpiresAtMs(Dictionary<string, AttributeValue> item) =>
        item.TryGetValue(ExpiresAtAttribute, out var x) && x.N is { } n ? long.Parse(n, NumberStyles.Integer, CultureInfo.InvariantCulture) : null;

    private static StateEntry ToEntry(Dictionary<string, AttributeValue> item) =>
        new(
            item[KeyAttribute].S,
            item.TryGetValue(ValueAttribute, out var v) && v.B is { } stream ? stream.ToArray() : [],
            item[ETagAttribute].S,
            ExpiresAtMs(item) is { } ms ? DateTimeOffset.FromUnixTimeMilliseconds(ms) : null);

    private static AttributeValue Number(long value) => new() { N = value.ToString(CultureInfo.InvariantCulture) };

    private static string NewETag() => Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(8));
}
