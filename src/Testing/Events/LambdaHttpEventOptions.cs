namespace Portable.Testing;

/// <summary>
/// What an HTTP event says about where it came from (API Gateway or a Function URL). Every field has a default, so a
/// test sets only what its handler reads.
/// </summary>
public sealed record LambdaHttpEventOptions
{
    /// <summary>The AWS account (<c>requestContext.accountId</c>); Function URLs without auth say <c>anonymous</c> instead.</summary>
    public string AccountId { get; init; } = "123456789012";

    /// <summary>The API id (or the Function URL id), the first label of the domain name.</summary>
    public string ApiId { get; init; } = "a1b2c3d4e5";

    /// <summary>The region in the domain name.</summary>
    public string Region { get; init; } = "us-east-1";

    /// <summary>
    /// The stage: <c>$default</c> for an HTTP API unless set (a named stage prefixes <c>rawPath</c>, as API Gateway
    /// does), <c>prod</c> for a REST API. Function URLs have none (always <c>$default</c>).
    /// </summary>
    public string? Stage { get; init; }

    /// <summary>The HTTP API route key (default <c>$default</c>), e.g. <c>GET /items/{id}</c>.</summary>
    public string? RouteKey { get; init; }

    /// <summary>The REST API resource (default <c>/{proxy+}</c>, with the path as its <c>proxy</c> parameter).</summary>
    public string? Resource { get; init; }

    /// <summary>Path parameters; default: the request's route values, or the REST <c>proxy</c> parameter.</summary>
    public IReadOnlyDictionary<string, string>? PathParameters { get; init; }

    /// <summary>Stage variables; none by default.</summary>
    public IReadOnlyDictionary<string, string>? StageVariables { get; init; }

    /// <summary>API Gateway's request id; default: a new unique id per event.</summary>
    public string? RequestId { get; init; }

    /// <summary>The caller's address (<c>sourceIp</c>, <c>X-Forwarded-For</c>); a TEST-NET-1 address by default.</summary>
    public string SourceIp { get; init; } = "192.0.2.10";

    /// <summary>When the request arrived (default <see cref="TestClock.Start"/>).</summary>
    public DateTimeOffset? Time { get; init; }
}
