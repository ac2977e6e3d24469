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

    /// <summary>Reads the options through <paramref name="getVariable"/> (default: the process environment); fails naming the variable when no connection is set.</summary>
    public static PostgresStateStoreOptions FromEnvironment(Func<string, string?>? getVariable = null)
    {
        getVariable ??= Environment.GetEnvironmentVariable;
        var connection = NonEmpty(getVariable(ConnectionVariable))
            ?? throw new InvalidOperationException($"The PostgreSQL state store needs an Npgsql connection string in {ConnectionVariable}.");
        return new PostgresStateStoreOptions(connection, NonEmpty(getVariable(TableVariable)) ?? PostgresStateStore.DefaultTableName);
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

    private static string? NonEmpty(string? value) => string.IsNullOrWhiteSpace(value) ? null : value;
}
