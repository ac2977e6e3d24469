using System.Security.Cryptography;
using System.Text.RegularExpressions;
using Npgsql;
using NpgsqlTypes;
using Portable.Core.State;

namespace Portable.Gcp.State;

/// <summary>
/// The Google Cloud state store: one PostgreSQL (Cloud SQL) table shared by every collection, through Npgsql's slim
/// data source (no reflection-based type mapping, so Native AOT stays clean).
/// </summary>
/// <remarks>
/// <para>Table (created by <see cref="EnsureSchemaAsync"/>, idempotently and under an advisory lock so instances starting
/// together do not race on the catalog):</para>
/// <code>
/// CREATE TABLE portable_state (
///     collection text COLLATE "C" NOT NULL,
///     key        text COLLATE "C" NOT NULL,   -- "C": byte order, which is ordinal order below the surrogate range
///     value      bytea NOT NULL,
///     etag       text NOT NULL,               -- random per write
///     expires_at timestamptz NULL,            -- read-side expiry; PurgeExpiredAsync deletes the dead rows
///     PRIMARY KEY (collection, key));
/// </code>
/// <para>Every conditional write is one statement whose WHERE clause carries the condition: an insert is
/// <c>INSERT … ON CONFLICT DO UPDATE … WHERE</c> the existing row has expired (so a live row wins and nothing changes), a
/// replace or conditional delete is <c>UPDATE</c>/<c>DELETE … WHERE etag = @m</c> and the row is live. Under READ COMMITTED a
/// statement that waited for a racing writer's row lock re-checks its WHERE clause against the row that writer left, so
/// exactly one of several racers succeeds. The clock is the store's <see cref="TimeProvider"/>, passed as a parameter, never
/// the server's <c>now()</c>. Keys and collections cannot contain U+0000 (PostgreSQL text cannot).</para>
/// </remarks>
public sealed partial class PostgresStateStore : IStateStore, IAsyncDisposable
{
    /// <summary>The table used when none is named.</summary>
    public const string DefaultTableName = "portable_state";

    private readonly NpgsqlDataSource _dataSource;
    private readonly bool _ownsDataSource;
    private readonly TimeProvider _time;
    private readonly string _table;
    private readonly string _get;
    private readonly string _insert;
    private readonly string _replace;
    private readonly string _put;
    private readonly string _delete;
    private readonly string _list;

    /// <summary>A store over <paramref name="dataSource"/> (the caller disposes it) using table <paramref name="tableName"/>.</summary>
    public PostgresStateStore(NpgsqlDataSource dataSource, TimeProvider timeProvider, string tableName = DefaultTableName)
        : this(dataSource, ownsDataSource: false, timeProvider, tableName)
    {
    }

    private PostgresStateStore(NpgsqlDataSource dataSource, bool ownsDataSource, TimeProvider timeProvider, string tableName)
    {
        ArgumentNullException.ThrowIfNull(dataSource);
        ArgumentNullException.ThrowIfNull(timeProvider);
        ArgumentNullException.ThrowIfNull(tableName);
        if (!IsPlainTableName(tableName))
        {
            throw new ArgumentException($"'{tableName}' is not a plain lower-case SQL identifier (letters, digits, underscores; at most 63).", nameof(tableName));
        }

        _dataSource = dataSource;
        _ownsDataSource = ownsDataSource;
        _time = timeProvider;
        _table = tableName;
        const string Live = "(expires_at IS NULL OR expires_at > @now)";
        _get = $"SELECT key, value, etag, expires_at FROM {tableName} WHERE collection = @c AND key = @k AND {Live}";
        _insert = $"""
            INSERT INTO {tableName} AS t (collection, key, value, etag, expires_at) VALUES (@c, @k, @v, @e, @x)
            ON CONFLICT (collection, key) DO UPDATE SET value = EXCLUDED.value, etag = EXCLUDED.etag, expires_at = EXCLUDED.expires_at
            WHERE t.expires_at IS NOT NULL AND t.expires_at <= @now
            """;
        _replace = $"UPDATE {tableName} SET value = @v, etag = @e, expires_at = @x WHERE collection = @c AND key = @k AND etag = @m AND {Live}";
        _put = $"""
            INSERT INTO {tableName} (collection, key, value, etag, expires_at) VALUES (@c, @k, @v, @e, @x)
            ON CONFLICT (collection, key) DO UPDATE SET value = EXCLUDED.value, etag = EXCLUDED.etag, expires_at = EXCLUDED.expires_at
            """;
        _delete = $"DELETE FROM {tableName} WHERE collection = @c AND key = @k AND (@m::text IS NULL OR etag = @m) AND {Live}";
        _list = $"SELECT key, value, etag, expires_at FROM {tableName} WHERE collection = @c AND key > @k AND {Live} ORDER BY key LIMIT @n";
    }

    /// <summary>
    /// A store that owns a slim data source built from <paramref name="connectionString"/> (TLS enabled, so
    /// <c>SSL Mode=Require</c> works; Cloud SQL's unix socket works as <c>Host=/cloudsql/PROJECT:REGION:INSTANCE</c>).
    /// </summary>
    public static PostgresStateStore Create(string connectionString, TimeProvider timeProvider, string tableName = DefaultTableName)
    {
        ArgumentException.ThrowIfNullOrEmpty(connectionString);
        var dataSource = new NpgsqlSlimDataSourceBuilder(connectionString).EnableTransportSecurity().Build();
        return new PostgresStateStore(dataSource, ownsDataSource: true, timeProvider, tableName);
    }

    /// <summary>Creates the table and its expiry index when missing; safe to call from many instances at once.</summary>
    public async Task EnsureSchemaAsync(CancellationToken cancellationToken = default)
    {
        await using var connection = await _dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
        await using var command = new NpgsqlCommand(
            $"""
            SELECT pg_advisory_xact_lock(hashtext('portable-state-schema:' || @t));
            CREATE TABLE IF NOT EXISTS {_table} (
                collection text COLLATE "C" NOT NULL,
                key        text COLLATE "C" NOT NULL,
                value      bytea NOT NULL,
                etag       text NOT NULL,
                expires_at timestamptz NULL,
                PRIMARY KEY (collection, key)
            );
            CREATE INDEX IF NOT EXISTS {_table}_expires_at ON {_table} (expires_at) WHERE expires_at IS NOT NULL;
            """,
            connection,
            transaction);
        command.Parameters.Add(new NpgsqlParameter<string>("t", _table));
        await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Deletes rows whose deadline has passed (they already read as absent); returns how many. For a scheduled job.</summary>
    public async Task<int> PurgeExpiredAsync(CancellationToken cancellationToken = default)
    {
        await using var command = _dataSource.CreateCommand($"DELETE FROM {_table} WHERE expires_at <= @now");
        command.Parameters.Add(Now());
        return await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc />
    public async ValueTask<StateEntry?> GetAsync(string collection, string key, CancellationToken cancellationToken = default)
    {
        await using var command = Command(_get, collection, key);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        return await reader.ReadAsync(cancellationToken).ConfigureAwait(false) ? Read(reader) : null;
    }

    /// <inheritdoc />
    public ValueTask<StateWriteResult> InsertAsync(string collection, string key, ReadOnlyMemory<byte> value, DateTimeOffset? expiresAt = null, CancellationToken cancellationToken = default) =>
        WriteAsync(_insert, collection, key, value, expiresAt, ifMatch: null, cancellationToken);

    /// <inheritdoc />
    public ValueTask<StateWriteResult> ReplaceAsync(string collection, string key, ReadOnlyMemory<byte> value, string ifMatch, DateTimeOffset? expiresAt = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(ifMatch);
        return WriteAsync(_replace, collection, key, value, expiresAt, ifMatch, cancellationToken);
    }

    /// <inheritdoc />
    public ValueTask<StateWriteResult> PutAsync(string collection, string key, ReadOnlyMemory<byte> value, DateTimeOffset? expiresAt = null, CancellationToken cancellationToken = default) =>
        WriteAsync(_put, collection, key, value, expiresAt, ifMatch: null, cancellationToken);

    /// <inheritdoc />
    public async ValueTask<bool> DeleteAsync(string collection, string key, string? ifMatch = null, CancellationToken cancellationToken = default)
    {
        await using var command = Command(_delete, collection, key);
        command.Parameters.Add(new NpgsqlParameter("m", NpgsqlDbType.Text) { Value = (object?)ifMatch ?? DBNull.Value });
        return await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false) == 1;
    }

    /// <inheritdoc />
    public async ValueTask<StatePage> ListAsync(string collection, int limit, string? afterKey = null, CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(limit, 1);
        await using var command = Command(_list, collection, afterKey ?? string.Empty);
        command.Parameters.Add(new NpgsqlParameter<long>("n", (long)limit + 1));
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

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        if (_ownsDataSource)
        {
            await _dataSource.DisposeAsync().ConfigureAwait(false);
        }
    }

    private async ValueTask<StateWriteResult> WriteAsync(string sql, string collection, string key, ReadOnlyMemory<byte> value, DateTimeOffset? expiresAt, string? ifMatch, CancellationToken cancellationToken)
    {
        var etag = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(8));
        await using var command = Command(sql, collection, key);
        command.Parameters.Add(new NpgsqlParameter<byte[]>("v", value.ToArray()));
        command.Parameters.Add(new NpgsqlParameter<string>("e", etag));
        command.Parameters.Add(new NpgsqlParameter("x", NpgsqlDbType.TimestampTz) { Value = expiresAt is { } x ? x.UtcDateTime : DBNull.Value });
        if (ifMatch is not null)
        {
            command.Parameters.Add(new NpgsqlParameter<string>("m", ifMatch));
        }

        return await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false) == 1
            ? StateWriteResult.Written(etag)
            : StateWriteResult.Conflict;
    }

    private NpgsqlCommand Command(string sql, string collection, string key)
    {
        ArgumentNullException.ThrowIfNull(collection);
        ArgumentNullException.ThrowIfNull(key);
        var command = _dataSource.CreateCommand(sql);
        command.Parameters.Add(new NpgsqlParameter<string>("c", collection));
        command.Parameters.Add(new NpgsqlParameter<string>("k", key));
        command.Parameters.Add(Now());
        return command;
    }

    private NpgsqlParameter<DateTime> Now() => new("now", NpgsqlDbType.TimestampTz) { TypedValue = _time.GetUtcNow().UtcDateTime };

    private static StateEntry Read(NpgsqlDataReader reader) =>
        new(
            reader.GetString(0),
            reader.GetFieldValue<byte[]>(1),
            reader.GetString(2),
            reader.IsDBNull(3) ? null : new DateTimeOffset(reader.GetFieldValue<DateTime>(3), TimeSpan.Zero));

    [GeneratedRegex("^[a-z_][a-z0-9_]{0,62}$")]
    private static partial Regex TableNamePattern();

    /// <summary>True when <paramref name="tableName"/> can be put into SQL as it is: a plain lower-case identifier.</summary>
    internal static bool IsPlainTableName(string tableName) => TableNamePattern().IsMatch(tableName);
}
