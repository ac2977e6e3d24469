using System.Globalization;
using System.Security.Cryptography;
using Microsoft.Data.Sqlite;
using Portable.Core.State;

namespace Portable.Local.State;

/// <summary>
/// The embedded default's state store: one SQLite file, one table. Every conditional write is a single
/// statement whose WHERE clause carries the condition, so SQLite's write lock makes it atomic. ETags are
/// random per write, so a key deleted and re-created never matches a stale tag. Expired rows read as absent
/// and are overwritten by inserts.
/// </summary>
public sealed class SqliteStateStore : IStateStore
{
    private readonly string _connectionString;
    private readonly TimeProvider _time;

    /// <summary>Opens (creating when missing) the database at <paramref name="path"/>.</summary>
    public SqliteStateStore(string path, TimeProvider timeProvider)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        _time = timeProvider;
        _connectionString = new SqliteConnectionStringBuilder
        {
            DataSource = path,
            Mode = SqliteOpenMode.ReadWriteCreate,
            Pooling = true,
            DefaultTimeout = 30,
        }.ToString();

        using var connection = Open();
        using var command = connection.CreateCommand();
        command.CommandText = """
            PRAGMA journal_mode = WAL;
            PRAGMA synchronous = NORMAL;
            CREATE TABLE IF NOT EXISTS state (
                collection TEXT NOT NULL,
                key        TEXT NOT NULL,
                value      BLOB NOT NULL,
                etag       TEXT NOT NULL,
                expires_at INTEGER NULL,
                PRIMARY KEY (collection, key)
            ) WITHOUT ROWID;
            """;
        command.ExecuteNonQuery();
    }

    /// <inheritdoc />
    public async ValueTask<StateEntry?> GetAsync(string collection, string key, CancellationToken cancellationToken = default)
    {
        await using var connection = Open();
        await using var command = Command(connection, "SELECT key, value, etag, expires_at FROM state WHERE collection = $c AND key = $k AND (expires_at IS NULL OR expires_at > $now)", collection, key);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        return await reader.ReadAsync(cancellationToken).ConfigureAwait(false) ? Read(reader) : null;
    }

    /// <inheritdoc />
    public ValueTask<StateWriteResult> InsertAsync(string collection, string key, ReadOnlyMemory<byte> value, DateTimeOffset? expiresAt = null, CancellationToken cancellationToken = default) =>
        WriteAsync(
            """
            INSERT INTO state (collection, key, value, etag, expires_at) VALUES ($c, $k, $v, $e, $x)
            ON CONFLICT (collection, key) DO UPDATE SET value = excluded.value, etag = excluded.etag, expires_at = excluded.expires_at
            WHERE state.expires_at IS NOT NULL AND state.expires_at <= $now
            """,
            collection, key, value, expiresAt, ifMatch: null, cancellationToken);

    /// <inheritdoc />
    public ValueTask<StateWriteResult> ReplaceAsync(string collection, string key, ReadOnlyMemory<byte> value, string ifMatch, DateTimeOffset? expiresAt = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(ifMatch);
        return WriteAsync(
            "UPDATE state SET value = $v, etag = $e, expires_at = $x WHERE collection = $c AND key = $k AND etag = $m AND (expires_at IS NULL OR expires_at > $now)",
            collection, key, value, expiresAt, ifMatch, cancellationToken);
    }

    /// <inheritdoc />
    public ValueTask<StateWriteResult> PutAsync(string collection, string key, ReadOnlyMemory<byte> value, DateTimeOffset? expiresAt = null, CancellationToken cancellationToken = default) =>
        WriteAsync(
            """
            INSERT INTO state (collection, key, value, etag, expires_at) VALUES ($c, $k, $v, $e, $x)
            ON CONFLICT (collection, key) DO UPDATE SET value = excluded.value, etag = excluded.etag, expires_at = excluded.expires_at
            """,
            collection, key, value, expiresAt, ifMatch: null, cancellationToken);

    /// <inheritdoc />
    public async ValueTask<bool> DeleteAsync(string collection, string key, string? ifMatch = null, CancellationToken cancellationToken = default)
    {
        await using var connection = Open();
        await using var command = Command(
            connection,
            "DELETE FROM state WHERE collection = $c AND key = $k AND ($m IS NULL OR etag = $m) AND (expires_at IS NULL OR expires_at > $now)",
            collection,
            key);
        command.Parameters.AddWithValue("$m", (object?)ifMatch ?? DBNull.Value);
        return await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false) == 1;
    }

    /// <inheritdoc />
    public async ValueTask<StatePage> ListAsync(string collection, int limit, string? afterKey = null, CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(limit, 1);
        await using var connection = Open();
        await using var command = Command(
            connection,
            "SELECT key, value, etag, expires_at FROM state WHERE collection = $c AND key > $k AND (expires_at IS NULL OR expires_at > $now) ORDER BY key LIMIT $n",
            collection,
            afterKey ?? string.Empty);
        command.Parameters.AddWithValue("$n", limit + 1);
        var entries = new List<StateEntry>(limit + 1);
        await using (var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false))
        {
            while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                entries.Add(Read(reader));
            }
        }

        var hasMore = entries.Count > limit;
        return new StatePage(hasMore ? entries[..limit] : entries, hasMore);
    }

    private async ValueTask<StateWriteResult> WriteAsync(string sql, string collection, string key, ReadOnlyMemory<byte> value, DateTimeOffset? expiresAt, string? ifMatch, CancellationToken cancellationToken)
    {
        var etag = NewETag();
        await using var connection = Open();
        await using var command = Command(connection, sql, collection, key);
        command.Parameters.AddWithValue("$v", value.ToArray());
        command.Parameters.AddWithValue("$e", etag);
        command.Parameters.AddWithValue("$x", expiresAt is { } x ? x.ToUnixTimeMilliseconds() : DBNull.Value);
        if (ifMatch is not null)
        {
            command.Parameters.AddWithValue("$m", ifMatch);
        }

        return await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false) == 1
            ? StateWriteResult.Written(etag)
            : StateWriteResult.Conflict;
    }

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

    private SqliteCommand Command(SqliteConnection connection, string sql, string collection, string key)
    {
        var command = connection.CreateCommand();
        command.CommandText = sql;
        command.Parameters.AddWithValue("$c", collection);
        command.Parameters.AddWithValue("$k", key);
        command.Parameters.AddWithValue("$now", _time.GetUtcNow().ToUnixTimeMilliseconds());
        return command;
    }

    private static StateEntry Read(SqliteDataReader reader) =>
        new(
            reader.GetString(0),
            (byte[])reader.GetValue(1),
            reader.GetString(2),
            reader.IsDBNull(3) ? null : DateTimeOffset.FromUnixTimeMilliseconds(reader.GetInt64(3)));

    private static string NewETag() => Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(8)).ToString(CultureInfo.InvariantCulture);
}
