using Amazon;
using Amazon.DynamoDBv2;
using Amazon.Runtime;
using Portable.Core.Settings;

namespace Portable.Aws.State;

/// <summary>
/// Where the DynamoDB state store lives, read from the environment: <c>PORTABLE_DYNAMODB_TABLE</c> (default
/// <see cref="DefaultTableName"/>), <c>PORTABLE_DYNAMODB_ENDPOINT</c> (an endpoint override such as a local dynalite; else the
/// SDK's own <c>AWS_ENDPOINT_URL_DYNAMODB</c>), and the region from <c>AWS_REGION</c> (set by Lambda) or <c>AWS_DEFAULT_REGION</c>.
/// Credentials come from the SDK's default chain (Lambda's role variables); with an endpoint override and no
/// <c>AWS_ACCESS_KEY_ID</c>, placeholder credentials are used, since local engines accept any.
/// </summary>
/// <param name="TableName">The one table every collection shares.</param>
/// <param name="ServiceUrl">An endpoint override, or null for the region's DynamoDB endpoint.</param>
/// <param name="Region">The region name, or null to let the SDK resolve it.</param>
public sealed record DynamoDbStateStoreOptions(string TableName = DynamoDbStateStoreOptions.DefaultTableName, Uri? ServiceUrl = null, string? Region = null)
{
    /// <summary>The table used when none is named.</summary>
    public const string DefaultTableName = "PortableState";

    /// <summary>The table name variable.</summary>
    public const string TableVariable = "PORTABLE_DYNAMODB_TABLE";

    /// <summary>The endpoint override variable.</summary>
    public const string EndpointVariable = "PORTABLE_DYNAMODB_ENDPOINT";

    /// <summary>The AWS SDKs' service-specific endpoint variable, read when <see cref="EndpointVariable"/> is unset.</summary>
    public const string SdkEndpointVariable = "AWS_ENDPOINT_URL_DYNAMODB";

    /// <summary>Reads the options from <paramref name="settings"/> (the process environment on Lambda).</summary>
    /// <exception cref="SettingsException">An endpoint variable is set but is not an absolute http(s) URL.</exception>
    public static DynamoDbStateStoreOptions From(HostSettings settings)
    {
        ArgumentNullException.ThrowIfNull(settings);
        return new DynamoDbStateStoreOptions(
            settings.Text(TableVariable) ?? DefaultTableName,
            settings.HttpUri(EndpointVariable) ?? settings.HttpUri(SdkEndpointVariable),
            settings.Text("AWS_REGION") ?? settings.Text("AWS_DEFAULT_REGION"));
    }

    /// <summary>A low-level client for these options; <paramref name="credentials"/> overrides the default chain (<paramref name="settings"/>: the process environment by default).</summary>
    public AmazonDynamoDBClient CreateClient(AWSCredentials? credentials = null, HostSettings? settings = null)
    {
        settings ??= HostSettings.Environment;
        var config = new AmazonDynamoDBConfig();
        if (ServiceUrl is not null)
        {
            config.ServiceURL = ServiceUrl.ToString();
            config.AuthenticationRegion = Region ?? "us-east-1";
            if (credentials is null && settings.Text("AWS_ACCESS_KEY_ID") is null)
            {
                credentials = new BasicAWSCredentials("local", "local");
            }
        }
        else if (Region is not null)
        {
            config.RegionEndpoint = RegionEndpoint.GetBySystemName(Region);
        }

        return credentials is null ? new AmazonDynamoDBClient(config) : new AmazonDynamoDBClient(credentials, config);
    }

    /// <summary>Builds the client and the store for <paramref name="options"/>; creates the table when <paramref name="ensureTable"/>.</summary>
    public static async Task<DynamoDbStateStore> CreateAsync(DynamoDbStateStoreOptions options, TimeProvider timeProvider, bool ensureTable = false, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(options);
        var store = new DynamoDbStateStore(options.CreateClient(), options.TableName, timeProvider);
        if (ensureTable)
        {
            await store.EnsureTableAsync(cancellationToken).ConfigureAwait(false);
        }

        return store;
    }
}
