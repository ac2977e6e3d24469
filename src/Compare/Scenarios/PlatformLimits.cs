namespace Portable.Compare.Scenarios;

/// <summary>
/// The front-door numbers the HTTP scenarios test against, per host, as each platform documents them and as the
/// emulators enforce them. The deploy files set the timeouts Portable chooses (Cloud Run's 30 s, Lambda's 30 s).
/// </summary>
public static class PlatformLimits
{
    /// <summary>Lambda's synchronous invoke payload: the API Gateway event, body included.</summary>
    public const long LambdaInvokePayloadBytes = 6_291_456;

    /// <summary>Cloud Run's HTTP/1 request size.</summary>
    public const long CloudRunHttp1RequestBytes = 32L * 1024 * 1024;

    /// <summary>The Functions host's <c>maxRequestLength</c> for HTTP triggers.</summary>
    public const long FunctionsRequestBytes = 104_857_600;

    /// <summary>API Gateway REST API's integration timeout.</summary>
    public static readonly TimeSpan ApiGatewayTimeout = TimeSpan.FromSeconds(29);

    /// <summary>The Lambda function timeout the deploy files give the HTTP functions (deploy/aws/template.json).</summary>
    public static readonly TimeSpan LambdaFunctionTimeout = TimeSpan.FromSeconds(30);

    /// <summary>The Cloud Run request timeout the deploy files set (deploy/gcp/services/*.yaml, <c>timeoutSeconds: 30</c>).</summary>
    public static readonly TimeSpan CloudRunRequestTimeout = TimeSpan.FromSeconds(30);

    /// <summary>Azure's load balancer: an HTTP-triggered function that has not answered in 230 s gets a 502.</summary>
    public static readonly TimeSpan AzureHttpTimeout = TimeSpan.FromSeconds(230);

    /// <summary>The request-size limit that bites on <paramref name="host"/> first, in words; null for the local host.</summary>
    /// <param name="host">One of <see cref="CompareHosts.All"/>.</param>
    public static string? SizeLimit(string host) => host switch
    {
        CompareHosts.Aws => "Lambda 6 MB invoke payload (API Gateway's own quota is 10 MB)",
        CompareHosts.Gcp => "Cloud Run 32 MiB HTTP/1 request",
        CompareHosts.Azure => "Functions 100 MB request length",
        _ => null,
    };

    /// <summary>The largest body the host's platform lets through to the function; null for the local host (no platform in front).</summary>
    /// <param name="host">One of <see cref="CompareHosts.All"/>.</param>
    public static long? MaxBodyBytes(string host) => host switch
    {
        CompareHosts.Aws => LambdaInvokePayloadBytes,
        CompareHosts.Gcp => CloudRunHttp1RequestBytes,
        CompareHosts.Azure => FunctionsRequestBytes,
        _ => null,
    };
}
