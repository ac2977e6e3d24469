namespace Portable.Pricing.Model;

/// <summary>What takes HTTP requests in front of a Lambda function (Cloud Run and Azure Functions serve HTTPS themselves).</summary>
public enum FrontDoor
{
    /// <summary>API Gateway HTTP API (v2).</summary>
    Http,

    /// <summary>API Gateway REST API (v1).</summary>
    Rest,

    /// <summary>No gateway: a Lambda Function URL, which has no charge of its own.</summary>
    None,
}
