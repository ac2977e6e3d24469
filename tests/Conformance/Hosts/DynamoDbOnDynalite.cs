using Portable.Aws.State;
using Portable.Engines;

namespace Portable.Conformance.Hosts;

/// <summary>A DynamoDB table on dynalite, and the variables that keep a bootstrap's state there.</summary>
internal static class DynamoDbOnDynalite
{
    /// <summary>
    /// Creates <paramref name="table"/> on <paramref name="dynalite"/> (started); returns <c>PORTABLE_DYNAMODB_TABLE</c>
    /// and <c>PORTABLE_DYNAMODB_ENDPOINT</c> for every function that shares it.
    /// </summary>
    public static async Task<Dictionary<string, string?>> CreateTableAsync(DynaliteFixture dynalite, string table)
    {
        await DynamoDbStateStoreOptions.CreateAsync(new DynamoDbStateStoreOptions(table, dynalite.ServiceUrl), TimeProvider.System, ensureTable: true);
        return new Dictionary<string, string?>(StringComparer.Ordinal)
        {
            [DynamoDbStateStoreOptions.TableVariable] = table,
            [DynamoDbStateStoreOptions.EndpointVariable] = dynalite.ServiceUrl.ToString(),
        };
    }
}
