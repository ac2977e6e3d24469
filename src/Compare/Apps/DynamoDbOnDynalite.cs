using Portable.Aws.State;
using Portable.Compare.Engines;

namespace Portable.Compare.Apps;

/// <summary>A DynamoDB table on dynalite, and the variables that keep a bootstrap's state there.</summary>
public static class DynamoDbOnDynalite
{
    /// <summary>
    /// Creates <paramref name="table"/> on <paramref name="dynalite"/> (started); returns <c>PORTABLE_DYNAMODB_TABLE</c>
    /// and <c>PORTABLE_DYNAMODB_ENDPOINT</c> for every function that shares it.
    /// </summary>
    /// <param name="dynalite">The started engine.</param>
    /// <param name="table">The table's name.</param>
    /// <param name="cancellationToken">Stops waiting for the table.</param>
    public static async Task<Dictionary<string, string?>> CreateTableAsync(DynaliteEngine dynalite, string table, CancellationToken cancellationToken = default)
    {
        await DynamoDbStateStoreOptions.CreateAsync(new DynamoDbStateStoreOptions(table, dynalite.ServiceUrl), TimeProvider.System, ensureTable: true, cancellationToken);
        return new Dictionary<string, string?>(StringComparer.Ordinal)
        {
            [DynamoDbStateStoreOptions.TableVariable] = table,
            [DynamoDbStateStoreOptions.EndpointVariable] = dynalite.ServiceUrl.ToString(),
        };
    }
}
