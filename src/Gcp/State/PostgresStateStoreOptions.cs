using Npgsql;
using Portable.Core.Settings;

namespace Portable.Gcp.State;

/// <summary>
/// Where the PostgreSQL (Cloud SQL) state store lives, read from the environment: <c>PORTABLE_POSTGRES_CONNECTION</c> (an
/// Npgsql connection string, e.g. <c>Host=/cloudsql/PROJECT:REGION:INSTANCE;Database=portable;Username=app;Password=…</c>)
/// and <c>PORTABLE_POSTGRES_TABLE</c> (default <see cref="PostgresStateStore.DefaultTableName"/>).
/// </summary>
/// <param name="ConnectionString">The Npgsql connection string.</param>
/// <param name="TableName">The one table every collection shares (a plain lower-case identifier).</param>
public sealed record PostgresStateStoreOptions(string ConnectionString, string TableName = PostgresStateStore.DefaultTableName)
{
    /// <summary>The connection string variable.</summary>
    public const string ConnectionVariable = "PORTABLE_POSTGRES_CONNECTION";

    /// <summary>The table name variable.</summary>
    public const string TableVariable = "PORTABLE_POSTGRES_TABLE";

    /// <summary>
    /// Reads the options from <paramref name="settings"/>; null when <c>PORTABLE_POSTGRES_CONNECTION</c> is unset, which
    /// keeps the in-memory store.
    /// </summary>
    /// <exception cref="SettingsException">
    /// The connection string is not one Npgsql accepts or names no host, the table is not a plain lower-case identifier,
    /// or a table is named without a connection string (it would otherwise be ignored).
    /// </exception>
    public static PostgresStateStoreOptions? From(HostSettings settings)
    {
        ArgumentNullException.ThrowIfNull(settings);
        var table = settings.Text(TableVariable);
        if (table is not null && !PostgresStateStore.IsPlainTableName(table))
        {
            throw new SettingsException(TableVariable, table, "a plain lower-case SQL identifier: letters, digits and underscores, starting with a letter or underscore, at most 63");
        }

        if (settings.Text(ConnectionVariable) is not { } connection)
        {
            return table is null
                ? null
                : throw new SettingsException($"{TableVariable} is set but {ConnectionVariable} is not: expected an Npgsql connection string in {ConnectionVariable} as well, or neither for the in-memory store.");
        }

        // The value is never echoed: a connection string may hold a password.
        NpgsqlConnectionStringBuilder parsed;
        try
        {
            parsed = new NpgsqlConnectionStringBuilder(connection);
        }
        catch (ArgumentException ex)
        {
            throw new SettingsException($"{ConnectionVariable} is not a connection string Npgsql accepts (value not shown: it may hold a password): expected {Example}.", ex);
        }

        return string.IsNullOrWhiteSpace(parsed.Host)
            ? throw new SettingsException($"{ConnectionVariable} names no Host (value not shown: it may hold a password): expected {Example}.")
            : new PostgresStateStoreOptions(connection, table ?? PostgresStateStore.DefaultTableName);
    }

    /// <summary>Builds the store (owning its data source) and creates its table when missing.</summary>
    public static async Task<PostgresStateStore> CreateAsync(PostgresStateStoreOptions options, TimeProvider timeProvider, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(options);
        var store = PostgresStateStore.Create(options.ConnectionString, timeProvider, options.TableName);
        try
        {
            await store.EnsureSchemaAsync(cancellationToken).ConfigureAwait(false);
            return store;
        }
        catch
        {
            await store.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    private const string Example = "key=value pairs separated by ';', e.g. Host=/cloudsql/PROJECT:REGION:INSTANCE;Database=portable;Username=app;Password=…";
}
