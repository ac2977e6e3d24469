using Portable.Core.Http;

namespace Portable.Testing;

/// <summary>
/// The JSON a Lambda function receives through its Function URL: the HTTP API 2.0 shape with <c>routeKey</c> and
/// <c>stage</c> <c>$default</c>, <c>accountId</c> <c>anonymous</c> (auth type NONE) and a
/// <c>{id}.lambda-url.{region}.on.aws</c> domain, and no path parameters or stage variables (protocols README §1b).
/// </summary>
public static class FunctionUrlEvents
{
    /// <summary>The event for <paramref name="request"/>; <see cref="LambdaHttpEventOptions.ApiId"/> is the URL id.</summary>
    public static byte[] Request(PortableHttpRequest request, LambdaHttpEventOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(request);
        options ??= new LambdaHttpEventOptions();
        var domain = $"{options.ApiId}.lambda-url.{options.Region}.on.aws";
        return ApiGatewayEvents.WriteVersion2(request, options, "anonymous", domain, "$default", "$default", withApiFields: false);
    }
}
