using System.Security.Cryptography;
using System.Text.Json;
using Microsoft.Data.Sqlite;
using Portable.Core.Messaging;

namespace Portable.Local.Queues;

/// <summary>
/// The local host's durable queue, in the same SQLite file as its state: messages survive a killed process.
/// A lease hides a message for the visibility timeout and counts the delivery; an ack deletes it; a retry makes
/// it visible again after a backoff, or dead-letters it once it has had its maximum deliveries; a dead letter
/// keeps body, attributes, reason, delivery count and times, and can be redriven.
/// </summary>
public sealed class SqliteMessageQueue : IMessagePublisher, IDeadLetterSink
{
    private readonly string _connectionString;
    private readonly TimeProvider _time;

    /// <summary>Opens (creating when missing) the queue tables in the database at <paramref name="path"/>.</summary>
    public SqliteMessageQueue(string path, TimeProvider timeProvider)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        _time = timeProvider;
        _connectionString = new SqliteConnectionStringBuilder { DataSource = path, Mode = SqliteOpenMode.ReadWriteCreate, Pooling = true, DefaultTimeout = 30 }.ToString();
        using var connection = Open();
        Execute(connection, """
            PRAGMA journal_mode = WAL;
            PRAGMA synchronous = NORMAL;
            CREATE TABLE IF NOT EXISTS queue_messages (
                seq            INTEGER PRIMARY KEY AUTOINCREMENT,
                queue          TEXT NOT NULL,
                id             TEXT NOT NULL,
                body           BLOB NOT NULL,
                attributes     TEXT NOT NULL,
                enqueued_at    INTEGER NOT NULL,
                visible_at     INTEGER NOT NULL,
                delivery_count INTEGER NOT NULL DEFAULT 0,
                lease          TEXT NULL,
                last_error     TEXT NULL
            );
            CREATE INDEX IF NOT EXISTS queue_messages_ready ON queue_messages (queue, visible_at, seq);
            CREATE TABLE IF NOT EXISTS dead_letters (
                queue            TEXT NOT NULL,
                id               TEXT NOT NULL,
                body             BLOB NOT NULL,
                attributes       TEXT NOT NULL,
                reason           TEXT NOT NULL,
                delivery_count   INTEGER NOT NULL,
                enqueued_at      INTEGER NOT NULL,
                dead_lettered_at INTEGER NOT NULL,
                PRIMARY KEY (queue, id)
            );
            """);
    }

    /// <summary>Enqueues a message; returns its id (the sender's, or a new one).</summary>
    public async ValueTask<string> PublishAsync(string destination, OutgoingMessage message, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(destination);
        ArgumentNullException.ThrowIfNull(message);
        var id = message.MessageId ?? Guid.NewGuid().ToString();
        var now = Now();
        await using var connection = Open();
        await using var command = connection.CreateCommand();
        command.CommandText = "INSERT INTO queue_messages (queue, id, body, attributes, enqueued_at, visible_at) VALUES ($q, $id, $body, $attrs, $now, $now)";
        command.Parameters.AddWithValue("$q", destination);
        command.Parameters.AddWithValue("$id", id);
        command.Parameters.AddWithValue("$body", message.Body.ToArray());
        command.Parameters.AddWithValue("$attrs", SerializeAttributes(message.Attributes));
        command.Parameters.AddWithValue("$now", now);
        await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        return id;
    }

    /// <summary>
    /// Enqueues every message of <paramref name="messages"/> in one transaction — all of them or, on a failure, none —
    /// and returns their ids in order (the sender's, or new ones). The local event bus enqueues an event's deliveries
    /// to all its functions this way.
    /// </summary>
    public async ValueTask<IReadOnlyList<string>> PublishAllAsync(IReadOnlyList<(string Destination, OutgoingMessage Message)> messages, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(messages);
        var ids = new string[messages.Count];
        if (ids.Length == 0)
        {
            return ids;
        }

        var now = Now();
        await using var connection = Open();
        await using var transaction = (SqliteTransaction)await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
        await using var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = "INSERT INTO queue_messages (queue, id, body, attributes, enqueued_at, visible_at) VALUES ($q, $id, $body, $attrs, $now, $now)";
        var queue = command.Parameters.Add("$q", SqliteType.Text);
        var id = command.Parameters.Add("$id", SqliteType.Text);
        var body = command.Parameters.Add("$body", SqliteType.Blob);
        var attributes = command.Parameters.Add("$attrs", SqliteType.Text);
        command.Parameters.AddWithValue("$now", now);
        for (var i = 0; i < ids.Length; i++)
        {
            var (destination, message) = messages[i];
            ArgumentException.ThrowIfNullOrEmpty(destination, nameof(messages));
            ArgumentNullException.ThrowIfNull(message, nameof(messages));
            ids[i] = message.MessageId ?? Guid.NewGuid().ToString();
            queue.Value = destination;
            id.Value = ids[i];
            body.Value = message.Body.ToArray();
            attributes.Value = SerializeAttributes(message.Attributes);
            await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }

        await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
        return ids;
    }

    /// <summary>Leases up to <paramref name="max"/> visible messages, hiding them for <paramref name="visibilityTimeout"/>.</summary>
    public async ValueTask<IReadOnlyList<LeasedMessage>> LeaseAsync(string queue, int max, TimeSpan visibilityTimeout, CancellationToken cancellationToken = default)
    {
        var now = Now();
        var lease = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(8));
        await using var connection = Open();
        await using var command = connection.CreateCommand();
        command.CommandText = """
            UPDATE queue_messages
            SET visible_at = $until, delivery_count = delivery_count + 1, lease = $lease
            WHERE seq IN (SELECT seq FROM queue_messages WHERE queue = $q AND visible_at <= $now ORDER BY seq LIMIT $max)
            RETURNING seq, id, body, attributes, enqueued_at, delivery_count
            """;
        command.Parameters.AddWithValue("$q", queue);
        command.Parameters.AddWithValue("$now", now);
        command.Parameters.AddWithValue("$until", now + (long)visibilityTimeout.TotalMilliseconds);
        command.Parameters.AddWithValue("$lease", lease);
        command.Parameters.AddWithValue("$max", max);
        var leased = new List<LeasedMessage>();
        await using (var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false))
        {
            while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                leased.Add(new LeasedMessage(
                    reader.GetInt64(0),
                    lease,
                    new IncomingMessage
                    {
                        Id = reader.GetString(1),
                        Body = (byte[])reader.GetValue(2),
                        Attributes = DeserializeAttributes(reader.GetString(3)),
                        EnqueuedAt = DateTimeOffset.FromUnixTimeMilliseconds(reader.GetInt64(4)),
                        DeliveryCount = reader.GetInt32(5),
                        Source = queue,
                    }));
            }
        }

        return [.. leased.OrderBy(m => m.Sequence)];
    }

    /// <summary>Deletes a handled message. False when its lease was lost (it timed out and was leased again).</summary>
    public async ValueTask<bool> AckAsync(LeasedMessage message, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(message);
        await using var connection = Open();
        await using var command = connection.CreateCommand();
        command.CommandText = "DELETE FROM queue_messages WHERE seq = $seq AND lease = $lease";
        command.Parameters.AddWithValue("$seq", message.Sequence);
        command.Parameters.AddWithValue("$lease", message.Lease);
        return await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false) == 1;
    }

    /// <summary>
    /// Gives a failed message back: visible again after <paramref name="delay"/>, or dead-lettered when it has had
    /// <paramref name="maxDeliveries"/> deliveries. Returns true when it was dead-lettered.
    /// </summary>
    public async ValueTask<bool> RetryAsync(LeasedMessage message, string error, TimeSpan delay, int maxDeliveries, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(message);
        if (message.Message.DeliveryCount >= maxDeliveries)
        {
            await MoveToDeadLettersAsync(message, $"Failed {message.Message.DeliveryCount} deliveries (the maximum is {maxDeliveries}); last error: {error}", cancellationToken).ConfigureAwait(false);
            return true;
        }

        await using var connection = Open();
        await using var command = connection.CreateCommand();
        command.CommandText = "UPDATE queue_messages SET visible_at = $at, lease = NULL, last_error = $error WHERE seq = $seq AND lease = $lease";
        command.Parameters.AddWithValue("$at", Now() + (long)delay.TotalMilliseconds);
        command.Parameters.AddWithValue("$error", error);
        command.Parameters.AddWithValue("$seq", message.Sequence);
        command.Parameters.AddWithValue("$lease", message.Lease);
        await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        return false;
    }

    /// <summary>Records a permanently failed message with its reason (the message itself is acked by the worker).</summary>
    public async ValueTask DeadLetterAsync(IncomingMessage message, string reason, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(message);
        await using var connection = Open();
        await using var command = InsertDeadLetter(connection, message.Source, message.Id, message.Body, message.Attributes, reason, message.DeliveryCount, message.EnqueuedAt?.ToUnixTimeMilliseconds() ?? Now());
        await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>The dead letters of <paramref name="queue"/>, oldest first.</summary>
    public async ValueTask<IReadOnlyList<DeadLetter>> ListDeadLettersAsync(string queue, CancellationToken cancellationToken = default)
    {
        await using var connection = Open();
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT id, body, attributes, reason, delivery_count, enqueued_at, dead_lettered_at FROM dead_letters WHERE queue = $q ORDER BY dead_lettered_at, id";
        command.Parameters.AddWithValue("$q", queue);
        var letters = new List<DeadLetter>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            letters.Add(new DeadLetter(
                queue,
                reader.GetString(0),
                (byte[])reader.GetValue(1),
                DeserializeAttributes(reader.GetString(2)),
                reader.GetString(3),
                reader.GetInt32(4),
                DateTimeOffset.FromUnixTimeMilliseconds(reader.GetInt64(5)),
                DateTimeOffset.FromUnixTimeMilliseconds(reader.GetInt64(6))));
        }

        return letters;
    }

    /// <summary>Moves dead letters back onto the queue with a fresh delivery count; returns how many. Null <paramref name="ids"/> redrives all.</summary>
    public async ValueTask<int> RedriveAsync(string queue, IReadOnlyCollection<string>? ids = null, CancellationToken cancellationToken = default)
    {
        await using var connection = Open();
        await using var transaction = (SqliteTransaction)await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
        var filter = ids is null ? string.Empty : " AND id IN (SELECT value FROM json_each($ids))";
        await using var move = connection.CreateCommand();
        move.Transaction = transaction;
        move.CommandText = $"""
            INSERT INTO queue_messages (queue, id, body, attributes, enqueued_at, visible_at)
            SELECT queue, id, body, attributes, enqueued_at, $now FROM dead_letters WHERE queue = $q{filter} ORDER BY dead_lettered_at;
            DELETE FROM dead_letters WHERE queue = $q{filter};
            """;
        move.Parameters.AddWithValue("$q", queue);
        move.Parameters.AddWithValue("$now", Now());
        if (ids is not null)
        {
            move.Parameters.AddWithValue("$ids", JsonSerializer.Serialize(ids.ToArray(), LocalJsonContext.Default.StringArray));
        }

        var changed = await move.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
        return changed / 2;
    }

    /// <summary>How many messages wait (visible or leased) on <paramref name="queue"/>.</summary>
    public ValueTask<long> CountAsync(string queue, CancellationToken cancellationToken = default) =>
        CountRowsAsync("queue_messages", queue, cancellationToken);

    /// <summary>How many dead letters <paramref name="queue"/> has.</summary>
    public ValueTask<long> CountDeadLettersAsync(string queue, CancellationToken cancellationToken = default) =>
        CountRowsAsync("dead_letters", queue, cancellationToken);

    private async ValueTask<long> CountRowsAsync(string table, string queue, CancellationToken cancellationToken)
    {
        await using var connection = Open();
        await using var command = connection.CreateCommand();
        command.CommandText = $"SELECT COUNT(*) FROM {table} WHERE queue = $q";
        command.Parameters.AddWithValue("$q", queue);
        return (long)(await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false))!;
    }

    private async ValueTask MoveToDeadLettersAsync(LeasedMessage message, string reason, CancellationToken cancellationToken)
    {
        await using var connection = Open();
        await using var transaction = (SqliteTransaction)await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
        await using (var delete = connection.CreateCommand())
        {
            delete.Transaction = transaction;
            delete.CommandText = "DELETE FROM queue_messages WHERE seq = $seq AND lease = $lease";
            delete.Parameters.AddWithValue("$seq", message.Sequence);
            delete.Parameters.AddWithValue("$lease", message.Lease);
            if (await delete.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false) == 0)
            {
                return; // The lease was lost; whoever holds it now settles the message.
            }
        }

        var m = message.Message;
        await using (var insert = InsertDeadLetter(connection, m.Source, m.Id, m.Body, m.Attributes, reason, m.DeliveryCount, m.EnqueuedAt?.ToUnixTimeMilliseconds() ?? Now()))
        {
            insert.Transaction = transaction;
            await insert.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }

        await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
    }

    private SqliteCommand InsertDeadLetter(SqliteConnection connection, string queue, string id, ReadOnlyMemory<byte> body, IReadOnlyDictionary<string, string> attributes, string reason, int deliveryCount, long enqueuedAt)
    {
        var command = connection.CreateCommand();
        command.CommandText = """
            INSERT INTO dead_letters (queue, id, body, attributes, reason, delivery_count, enqueued_at, dead_lettered_at)
            VALUES ($q, $id, $body, $attrs, $reason, $count, $enq, $now)
            ON CONFLICT (queue, id) DO UPDATE SET body = excluded.body, attributes = excluded.attributes, reason = excluded.reason,
                delivery_count = excluded.delivery_count, dead_lettered_at = excluded.dead_lettered_at
            """;
        command.Parameters.AddWithValue("$q", queue);
        command.Parameters.AddWithValue("$id", id);
        command.Parameters.AddWithValue("$body", body.ToArray());
        command.Parameters.AddWithValue("$attrs", SerializeAttributes(attributes));
        command.Parameters.AddWithValue("$reason", reason);
        command.Parameters.AddWithValue("$count", deliveryCount);
        command.Parameters.AddWithValue("$enq", enqueuedAt);
        command.Parameters.AddWithValue("$now", Now());
        return command;
    }

    private long Now() => _time.GetUtcNow().ToUnixTimeMilliseconds();

    private SqliteConnection Open()
    {
        var connection = new SqliteConnection(_connectionString);
        connection.Open();

        // synchronous is per connection (only journal_mode persists in the file). In WAL mode NORMAL keeps the
        // database consistent after a crash and loses no committed write when only the process dies.
        using var pragma = connection.CreateCommand();
        pragma.CommandText = "PRAGMA synchronous = NORMAL";
        pragma.ExecuteNonQuery();
        return connection;
    }

    private static void Execute(SqliteConnection connection, string sql)
    {
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        command.ExecuteNonQuery();
    }

    private static string SerializeAttributes(IReadOnlyDictionary<string, string>? attributes) =>
        JsonSerializer.Serialize(attributes is null ? [] : new Dictionary<string, string>(attributes), LocalJsonContext.Default.DictionaryStringString);

    private static Dictionary<string, string> DeserializeAttributes(string json) =>
        JsonSerializer.Deserialize(json, LocalJsonContext.Default.DictionaryStringString) ?? [];
}
