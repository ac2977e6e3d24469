using Azure.Data.Tables;

namespace Portable.Azure.State;

/// <summary>
/// Where the Table Storage state store lives, read from the environment: <c>PORTABLE_TABLES_CONNECTION</c> (a storage
/// connection string; when unset, the Functions host's own <c>AzureWebJobsStorage</c>) and <c>PORTABLE_TABLES_TABLE</c>
/// (default <see cref="TableStorageStateStore.DefaultTableName"/>).
/// </summary>
/// <param name="ConnectionString">A storage account connection string (Azurite's or a real account's).</param>
/// <param name="TableName">The one table every collection shares.</param>
public sealed record TableStorageStateStoreOptions(string ConnectionString, string TableName = TableStorageStateStore.DefaultTableName)
{
    /// <summary>The storage connection string variable.</summary>
    public const string ConnectionVariable = "PORTABLE_TABLES_CONNECTION";

    /// <summary>The Functions host's storage connection, used when <see cref="ConnectionVariable"/> is unset.</summary>
    public const string FallbackConnectionVariable = "AzureWebJobsStorage";

    /// <summary>The table name variable.</summary>
    public const string TableVariable = "PORTABLE_TABLES_TABLE";

    /// <summary>Reads the options through <paramref name="getVariable"/> (default: the process environment); fails naming the variable when no connection is set.</summary>
    public static TableStorageStateStoreOptions FromEnvironment(Func<string, string?>? getVariable = null)
    {
        getVariable ??= Environment.GetEnvironmentVariable;
        var connection = NonEmpty(getVariable(ConnectionVariable)) ?? NonEmpty(getVariable(FallbackConnectionVariable))
            ?? throw new InvalidOperationException($"The Table Storage state store needs a storage connection string in {ConnectionVariable} (or {FallbackConnectionVariable}).");
        return new TableStorageStateStoreOptions(connection, NonEmpty(getVariable(TableVariable)) ?? TableStorageStateStore.DefaultTableName);
    }

    /// <summary>Builds the store for <paramref name="options"/> and creates its table when missing.</summary>
    public static async Task<TableStorageStateStore> CreateAsync(TableStorageStateStoreOptions options, TimeProvider timeProvider, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(options);
        var store = new TableStorageStateStore(new TableServiceClient(options.ConnectionString), timeProvider, options.TableName);
        await store.EnsureCreatedAsync(cancellationToken).ConfigureAwait(false);
        return store;
    }

    private static string? NonEmpty(string? value) => string.IsNullOrWhiteSpace(value) ? null : value;
}
