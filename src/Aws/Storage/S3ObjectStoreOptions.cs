using Amazon;
using Amazon.Runtime;
using Amazon.S3;
using Portable.Core.Settings;

namespace Portable.Aws.Storage;

/// <summary>
/// Where and as whom <see cref="S3ObjectStore"/> reads S3, from the environment: the endpoint override the AWS SDKs
/// document (<c>AWS_ENDPOINT_URL_S3</c>, else <c>AWS_ENDPOINT_URL</c>: a local engine such as s3rver), path-style
/// addressing (<c>PORTABLE_S3_FORCE_PATH_STYLE</c>; on by default with an endpoint override, since a local engine has
/// no per-bucket host names), and the region from <c>AWS_REGION</c> (set by Lambda) or <c>AWS_DEFAULT_REGION</c>.
/// Credentials are <c>AWS_ACCESS_KEY_ID</c>, <c>AWS_SECRET_ACCESS_KEY</c> and <c>AWS_SESSION_TOKEN</c> when set (on
/// Lambda, the function role's), else the SDK's default chain; with an endpoint override and no access key, placeholder
/// credentials are used, since local engines take any secret.
/// </summary>
/// <param name="ServiceUrl">An endpoint override, or null for the region's S3 endpoint.</param>
/// <param name="ForcePathStyle">Address buckets as <c>{endpoint}/{bucket}/{key}</c> rather than <c>{bucket}.{endpoint}/{key}</c>.</param>
/// <param name="Region">The region name, or null to let the SDK resolve it.</param>
public sealed record S3ObjectStoreOptions(Uri? ServiceUrl = null, bool ForcePathStyle = false, string? Region = null)
{
    /// <summary>The credentials to sign with; the SDK's default chain (or, with an endpoint override, placeholders) when null.</summary>
    public AWSCredentials? Credentials { get; init; }

    /// <summary>The AWS SDKs' S3 endpoint variable, read first.</summary>
    public const string EndpointVariable = "AWS_ENDPOINT_URL_S3";

    /// <summary>The AWS SDKs' endpoint variable for every service, read when <see cref="EndpointVariable"/> is unset.</summary>
    public const string SharedEndpointVariable = "AWS_ENDPOINT_URL";

    /// <summary>The path-style switch: <c>true</c>/<c>false</c>/<c>1</c>/<c>0</c>.</summary>
    public const string ForcePathStyleVariable = "PORTABLE_S3_FORCE_PATH_STYLE";

    /// <summary>Reads the options from <paramref name="settings"/> (the process environment on Lambda).</summary>
    /// <exception cref="SettingsException">An endpoint is not an absolute http(s) URL, or the path-style switch is not a boolean.</exception>
    public static S3ObjectStoreOptions From(HostSettings settings)
    {
        ArgumentNullException.ThrowIfNull(settings);
        var serviceUrl = settings.HttpUri(EndpointVariable) ?? settings.HttpUri(SharedEndpointVariable);
        return new S3ObjectStoreOptions(
            serviceUrl,
            settings.Boolean(ForcePathStyleVariable) ?? serviceUrl is not null,
            settings.Text("AWS_REGION") ?? settings.Text("AWS_DEFAULT_REGION"))
        {
            Credentials = Keys(settings),
        };
    }

    /// <summary>A client for these options (the store builds it on first use).</summary>
    public AmazonS3Client CreateClient()
    {
        var credentials = Credentials;
        var config = new AmazonS3Config { ForcePathStyle = ForcePathStyle };
        if (ServiceUrl is not null)
        {
            config.ServiceURL = ServiceUrl.ToString();
            config.AuthenticationRegion = Region ?? "us-east-1";
            credentials ??= new BasicAWSCredentials("local", "local");
        }
        else if (Region is not null)
        {
            config.RegionEndpoint = RegionEndpoint.GetBySystemName(Region);
        }

        return credentials is null ? new AmazonS3Client(config) : new AmazonS3Client(credentials, config);
    }

    private static AWSCredentials? Keys(HostSettings settings)
    {
        if (settings.Text("AWS_ACCESS_KEY_ID") is not { } accessKey)
        {
            return null;
        }

        var secret = settings.Required("AWS_SECRET_ACCESS_KEY", "the secret of AWS_ACCESS_KEY_ID");
        return settings.Text("AWS_SESSION_TOKEN") is { } token ? new SessionAWSCredentials(accessKey, secret, token) : new BasicAWSCredentials(accessKey, secret);
    }
}
