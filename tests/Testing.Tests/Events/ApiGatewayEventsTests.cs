using System.Text;
using System.Text.Json;
using Portable.Core.Http;
using Portable.TestKit;

namespace Portable.Testing.Tests.Events;

public sealed class ApiGatewayEventsTests
{
    // Keys that are data, not protocol: header and parameter names.
    private static readonly string[] V2Maps = ["$.headers", "$.queryStringParameters", "$.pathParameters", "$.stageVariables"];

    private static readonly string[] V1Maps =
        ["$.headers", "$.multiValueHeaders", "$.queryStringParameters", "$.multiValueQueryStringParameters", "$.pathParameters", "$.stageVariables"];

    /// <summary>The sample's request, as a neutral request: <c>POST /my/path</c> with repeated query values, headers and cookies.</summary>
    internal static PortableHttpRequest SampleV2Request() =>
        HttpRequestBuilder.Post("/my/path?parameter1=value1&parameter1=value2&parameter2=value")
            .WithHeader("header1", "value1")
            .WithHeader("header2", "value1")
            .WithHeader("header2", "value2")
            .WithHeader("Cookie", "cookie1; cookie2")
            .WithHeader("User-Agent", "agent")
            .WithJson("""{"message": "hello world", "username": "tom"}""")
            .Build();

    private static JsonElement Parse(byte[] json) => JsonDocument.Parse(json).RootElement;

    [Fact]
    public void HttpApiV2_RequestLikeTheSample_HasTheSamplesShape()
    {
        var options = new LambdaHttpEventOptions
        {
            PathParameters = new Dictionary<string, string> { ["parameter1"] = "value1" },
            StageVariables = new Dictionary<string, string> { ["stageVariable1"] = "value1" },
        };

        var built = ApiGatewayEvents.HttpApiV2(SampleV2Request(), options);

        JsonShape.AssertConforms(
            JsonShape.Of(RepoPaths.ReadSample("aws-apigw-v2-request.json"), V2Maps),
            JsonShape.Of(built, V2Maps),
            // A JWT authorizer and mutual TLS add these; a plain request has neither.
            optional: ["$.requestContext.authorizer", "$.requestContext.authentication"]);
    }

    [Fact]
    public void HttpApiV2_Fields_AreWrittenAsApiGatewayWritesThem()
    {
        var e = Parse(ApiGatewayEvents.HttpApiV2(SampleV2Request()));

        Assert.Equal("2.0", e.GetProperty("version").GetString());
        Assert.Equal("$default", e.GetProperty("routeKey").GetString());
        Assert.Equal("/my/path", e.GetProperty("rawPath").GetString());
        Assert.Equal("parameter1=value1&parameter1=value2&parameter2=value", e.GetProperty("rawQueryString").GetString());
        Assert.Equal(["cookie1", "cookie2"], e.GetProperty("cookies").EnumerateArray().Select(c => c.GetString()));
        var headers = e.GetProperty("headers");
        Assert.Equal("value1,value2", headers.GetProperty("header2").GetString());
        Assert.Equal("application/json", headers.GetProperty("content-type").GetString());
        Assert.False(headers.TryGetProperty("cookie", out _));
        Assert.Equal("value1,value2", e.GetProperty("queryStringParameters").GetProperty("parameter1").GetString());
        Assert.Equal("""{"message": "hello world", "username": "tom"}""", e.GetProperty("body").GetString());
        Assert.False(e.GetProperty("isBase64Encoded").GetBoolean());
        var http = e.GetProperty("requestContext").GetProperty("http");
        Assert.Equal("POST", http.GetProperty("method").GetString());
        Assert.Equal("agent", http.GetProperty("userAgent").GetString());
        Assert.Equal(TestClock.Start.ToUnixTimeMilliseconds(), e.GetProperty("requestContext").GetProperty("timeEpoch").GetInt64());
        Assert.Equal("01/Nov/2026:12:00:00 +0000", e.GetProperty("requestContext").GetProperty("time").GetString());
    }

    [Fact]
    public void HttpApiV2_NamedStage_PrefixesRawPath()
    {
        var e = Parse(ApiGatewayEvents.HttpApiV2(HttpRequestBuilder.Get("/items").Build(), new LambdaHttpEventOptions { Stage = "prod" }));

        Assert.Equal("/prod/items", e.GetProperty("rawPath").GetString());
        Assert.Equal("prod", e.GetProperty("requestContext").GetProperty("stage").GetString());
    }

    [Fact]
    public void HttpApiV2_BinaryBody_IsBase64Encoded()
    {
        var request = HttpRequestBuilder.Post("/upload").WithBody(new byte[] { 0xff, 0x00, 0x7f }, "application/octet-stream").Build();

        var e = Parse(ApiGatewayEvents.HttpApiV2(request));

        Assert.True(e.GetProperty("isBase64Encoded").GetBoolean());
        Assert.Equal(Convert.ToBase64String([0xff, 0x00, 0x7f]), e.GetProperty("body").GetString());
    }

    [Fact]
    public void HttpApiV2_NoBody_LeavesBodyOut()
    {
        var e = Parse(ApiGatewayEvents.HttpApiV2(HttpRequestBuilder.Get("/items").Build()));

        Assert.False(e.TryGetProperty("body", out _));
        Assert.False(e.TryGetProperty("queryStringParameters", out _));
        Assert.False(e.GetProperty("isBase64Encoded").GetBoolean());
    }

    [Fact]
    public void RestApiV1_RequestLikeTheSample_HasTheSamplesShape()
    {
        var request = HttpRequestBuilder.Post("/hello/world?name=me")
            .WithHeader("Accept", "*/*")
            .WithHeader("User-Agent", "PostmanRuntime/2.4.5")
            .WithJson("{\r\n\t\"a\": 1\r\n}")
            .Build();
        var options = new LambdaHttpEventOptions { Stage = "testStage", StageVariables = new Dictionary<string, string> { ["stageVariableName"] = "stageVariableValue" } };

        var built = ApiGatewayEvents.RestApiV1(request, options);

        JsonShape.AssertConforms(
            JsonShape.Of(RepoPaths.ReadSample("aws-apigw-rest-v1-proxy-request.json"), V1Maps),
            JsonShape.Of(built, V1Maps),
            optional:
            [
                // Cognito, IAM and API-key callers fill these in; an anonymous caller leaves them null.
                "$.requestContext.identity.cognitoIdentityPoolId", "$.requestContext.identity.accountId", "$.requestContext.identity.cognitoIdentityId",
                "$.requestContext.identity.caller", "$.requestContext.identity.apiKey", "$.requestContext.identity.cognitoAuthenticationType",
                "$.requestContext.identity.cognitoAuthenticationProvider", "$.requestContext.identity.userArn", "$.requestContext.identity.user",
                "$.requestContext.identity.accessKey", "$.requestContext.identity.clientCert",

                // A WebSocket API's, not a REST API's.
                "$.requestContext.connectionId",
            ],
            // The REST payload's fields the sample (an older test file) lacks: protocols README §1b.
            extra: ["$.multiValueHeaders", "$.multiValueQueryStringParameters", "$.isBase64Encoded"]);
    }

    [Fact]
    public void RestApiV1_Fields_AreWrittenAsApiGatewayWritesThem()
    {
        var request = HttpRequestBuilder.Get("/caf%C3%A9/a?tag=x&tag=y").WithHeader("X-Tag", "1").WithHeader("X-Tag", "2").Build();

        var e = Parse(ApiGatewayEvents.RestApiV1(request));

        Assert.Equal("/{proxy+}", e.GetProperty("resource").GetString());
        Assert.Equal("/café/a", e.GetProperty("path").GetString());
        Assert.Equal("café/a", e.GetProperty("pathParameters").GetProperty("proxy").GetString());
        Assert.Equal("2", e.GetProperty("headers").GetProperty("X-Tag").GetString());
        Assert.Equal(["1", "2"], e.GetProperty("multiValueHeaders").GetProperty("X-Tag").EnumerateArray().Select(v => v.GetString()));
        Assert.Equal("y", e.GetProperty("queryStringParameters").GetProperty("tag").GetString());
        Assert.Equal(["x", "y"], e.GetProperty("multiValueQueryStringParameters").GetProperty("tag").EnumerateArray().Select(v => v.GetString()));
        Assert.Equal(JsonValueKind.Null, e.GetProperty("body").ValueKind);
        Assert.Equal("prod", e.GetProperty("requestContext").GetProperty("stage").GetString());
    }

    [Fact]
    public void RestApiV1_TextBody_IsNotBase64()
    {
        var e = Parse(ApiGatewayEvents.RestApiV1(HttpRequestBuilder.Post("/a").WithText("héllo").Build()));

        Assert.Equal("héllo", e.GetProperty("body").GetString());
        Assert.False(e.GetProperty("isBase64Encoded").GetBoolean());
        Assert.Equal(Encoding.UTF8.GetByteCount("héllo").ToString(System.Globalization.CultureInfo.InvariantCulture), e.GetProperty("headers").GetProperty("Content-Length").GetString());
    }
}
