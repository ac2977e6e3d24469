namespace Portable.Compare.Scenarios;

/// <summary>The hosts every scenario runs on, in the report's order.</summary>
public static class CompareHosts
{
    /// <summary>The embedded default host: <c>portable run</c>, SQLite state, its own durable queues.</summary>
    public const string Local = "local";

    /// <summary>AWS Lambda: the bootstrap behind the Runtime API, API Gateway, the SQS event source.</summary>
    public const string Aws = "aws";

    /// <summary>Google Cloud Run: the container's server behind Cloud Run's front door, Pub/Sub push.</summary>
    public const string Gcp = "gcp";

    /// <summary>Azure Functions: the isolated worker under the Functions host, Storage queues.</summary>
    public const string Azure = "azure";

    /// <summary>Every host, in order.</summary>
    public static IReadOnlyList<string> All { get; } = [Local, Aws, Gcp, Azure];
}
