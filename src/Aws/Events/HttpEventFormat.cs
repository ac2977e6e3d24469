namespace Portable.Aws.Events;

/// <summary>The HTTP-shaped Lambda events the adapter understands, which also decide the shape of the response.</summary>
public enum HttpEventFormat
{
    /// <summary>API Gateway HTTP API, payload format 2.0 (<c>rawPath</c>, <c>cookies[]</c>, comma-joined headers).</summary>
    HttpApiV2,

    /// <summary>A Lambda Function URL: the 2.0 shape, on a <c>*.lambda-url.*</c> domain.</summary>
    FunctionUrl,

    /// <summary>API Gateway REST API proxy integration (payload 1.0: <c>path</c>, <c>httpMethod</c>, <c>multiValueHeaders</c>).</summary>
    RestV1,
}
