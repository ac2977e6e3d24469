namespace Portable.Emulators.Aws;

/// <summary>Which front door <see cref="ApiGatewayEmulator"/> plays, and so which event shape the function receives.</summary>
public enum ApiGatewayEventFormat
{
    /// <summary>API Gateway HTTP API with payload format 2.0.</summary>
    HttpApiV2,

    /// <summary>API Gateway REST API with the Lambda proxy integration (payload 1.0).</summary>
    RestV1,

    /// <summary>A Lambda Function URL (payload 2.0 on a <c>*.lambda-url.*</c> domain, no stage, no gateway timeout).</summary>
    FunctionUrl,
}
