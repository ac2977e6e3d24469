using Amazon.Runtime;
using Portable.Core.Settings;

namespace Portable.Aws.Messaging;

/// <summary>Where and as whom <see cref="SqsPublisher"/> talks to SQS.</summary>
public sealed class SqsPublisherOptions
{
    /// <summary>An endpoint to use instead of the regional one (a local emulator, a recorder in tests).</summary>
    public Uri? ServiceUrl { get; init; }

    /// <summary>The region (Lambda sets <c>AWS_REGION</c>); the SDK's own resolution when null.</summary>
    public string? Region { get; init; }

    /// <summary>The credentials; the SDK's default chain when null (in Lambda: the function role's environment variables).</summary>
    public AWSCredentials? Credentials { get; init; }

    /// <summary>The AWS SDKs' SQS endpoint variable, read first.</summary>
    public const string EndpointVariable = "AWS_ENDPOINT_URL_SQS";

    /// <summary>The AWS SDKs' endpoint variable for every service, read when <see cref="EndpointVariable"/> is unset.</summary>
    public const string SharedEndpointVariable = "AWS_ENDPOINT_URL";

    /// <summary>
    /// Reads the Lambda environment: <c>AWS_REGION</c> (or <c>AWS_DEFAULT_REGION</c>), and <c>AWS_ENDPOINT_URL_SQS</c>
    /// (or <c>AWS_ENDPOINT_URL</c>) as the endpoint override the AWS SDKs document; credentials from
    /// <c>AWS_ACCESS_KEY_ID</c> and friends when set.
    /// </summary>
    /// <exception cref="SettingsException">An endpoint variable is set but is not an absolute http(s) URL.</exception>
    public static SqsPublisherOptions From(HostSettings settings)
    {
        ArgumentNullException.ThrowIfNull(settings);
        return new SqsPublisherOptions
        {
            ServiceUrl = settings.HttpUri(EndpointVariable) ?? settings.HttpUri(SharedEndpointVariable),
            Region = settings.Text("AWS_REGION") ?? settings.Text("AWS_DEFAULT_REGION"),
            Credentials = settings.Text("AWS_ACCESS_KEY_ID") is not null ? new EnvironmentVariablesAWSCredentials() : null,
        };
    }
}
