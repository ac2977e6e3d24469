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
/// Credentials come from the SDK's default chain (Lambda's role variables); with an endpoint override and no
/// <c>AWS_ACCESS_KEY_ID</c>, placeholder credentials are used, since local engines accept any.
/// </summary>
/// <param name="ServiceUrl">An endpoint override, or null for the region's S3 endpoint.</param>
/// <param name="ForcePathStyle">Address buckets as <c>{endpoint}/{bucket}/{key}</c> rather than <c>{bucket}.{endpoint}/{key}</c>.</param>
/// <param name="Region">The region name, or null to let the SDK resolve it.</param>
public sealed record S3ObjectStoreOptions(Uri? ServiceUrl = null, bool ForcePathStyle = false, string? Region = null)
{
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
            settings.Text("AWS_REGION") ?? settings.Text("AWS_DEFAULT_REGION"));
    }

    /// <summary>A client for these options; <paramref name="credentials"/> overrides the default chain (<paramref name="settings"/>: the process environment by default).</summary>
    public AmazonS3Client CreateClient(AWSCredentials? credentials = null, HostSettings? settings = null)
    {
        settings ??= HostSettings.Environment;
        var config = new AmazonS3Config { ForcePathStyle = ForcePathStyle };
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

        return credentials is null ? new AmazonS3Client(config) : new AmazonS3Client(credentials, config);
    }
}
