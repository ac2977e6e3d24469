using System.Text;
using Portable.Aws.Events;
using Portable.Aws.Runtime;
using Portable.TestKit;

namespace Portable.Aws.Tests.Events;

public class ApiGatewayRequestMapperTests
{
    private static HttpEvent Map(string json)
    {
        Assert.True(ApiGatewayRequestMapper.TryMap(Encoding.UTF8.GetBytes(json), out var httpEvent, out var error), error?.ErrorMessage);
        return httpEvent;
    }

    private static LambdaError Fail(string json)
    {
        Assert.False(ApiGatewayRequestMapper.TryMap(Encoding.UTF8.GetBytes(json), out _, out var error));
        return error;
    }

    [Fact]
    public void TryMap_HttpApiV2Sample_MapsMethodPathQueryAndBody()
    {
        var e = Map(RepoPaths.ReadSample("aws-apigw-v2-request.json"));

        Assert.Equal(HttpEventFormat.HttpApiV2, e.Format);
        Assert.Equal("POST", e.Request.Method);
        Assert.Equal("/my/path", e.Request.Path);
        Assert.Equal("parameter1=value1&parameter1=value2&parameter2=value", e.Request.QueryString);
        Assert.Equal(["value1", "value2"], e.Request.Query.GetValues("parameter1"));
        Assert.Equal("{\"message\": \"hello world\", \"username\": \"tom\"}", Encoding.UTF8.GetString(e.Request.Body.Span));
        Assert.Equal("id", e.GatewayRequestId);
    }

    [Fact]
    public void TryMap_HttpApiV2Sample_RejoinsCookiesAndKeepsCommaJoinedHeaders()
    {
        var e = Map(RepoPaths.ReadSample("aws-apigw-v2-request.json"));

        Assert.Equal("cookie1; cookie2", e.Request.Headers["Cookie"]);
        Assert.Equal("value1", e.Request.Headers["Header1"]);
        Assert.Equal("value1,value2", e.Request.Headers["header2"]);
    }

    [Fact]
    public void TryMap_RestV1Sample_MapsPathWithoutStageQueryAndHeaders()
    {
        var e = Map(RepoPaths.ReadSample("aws-apigw-rest-v1-proxy-request.json"));

        Assert.Equal(HttpEventFormat.RestV1, e.Format);
        Assert.Equal("POST", e.Request.Method);
        Assert.Equal("/hello/world", e.Request.Path); // requestContext.stage is "testStage"; path never carried it
        Assert.Equal("name=me", e.Request.QueryString);
        Assert.Equal("application/json", e.Request.ContentType);
        Assert.Equal("54.240.196.186, 54.182.214.83", e.Request.Headers["x-forwarded-for"]);
        Assert.Equal("{\r\n\t\"a\": 1\r\n}", Encoding.UTF8.GetString(e.Request.Body.Span));
        Assert.Equal("deef4878-7910-11e6-8f14-25afc3e9ae33", e.GatewayRequestId);
    }

    [Fact]
    public void TryMap_RestV1WithMultiValueFields_PrefersThemOverSingleValueFields()
    {
        var e = Map("""
            {"resource":"/{proxy+}","path":"/items","httpMethod":"get",
             "headers":{"Accept":"text/plain"},
             "multiValueHeaders":{"Accept":["application/json","text/html"],"X-Custom":["a"]},
             "queryStringParameters":{"tag":"b"},
             "multiValueQueryStringParameters":{"tag":["a","b"],"q":["x y&z"]},
             "requestContext":{"stage":"prod"},"body":null,"isBase64Encoded":false}
            """);

        Assert.Equal("GET", e.Request.Method);
        Assert.Equal(["application/json", "text/html"], e.Request.Headers.GetValues("accept"));
        Assert.Equal("a", e.Request.Headers["x-custom"]);
        Assert.Equal("tag=a&tag=b&q=x%20y%26z", e.Request.QueryString);
        Assert.Equal("x y&z", e.Request.Query["q"]);
        Assert.True(e.Request.Body.IsEmpty);
    }

    [Fact]
    public void TryMap_RestV1DecodedPath_ReEncodesCharactersAPathCannotHold()
    {
        var e = Map("""{"resource":"/{proxy+}","path":"/items/a b/é","httpMethod":"GET","requestContext":{"stage":"prod"}}""");

        Assert.Equal("/items/a%20b/%C3%A9", e.Request.Path);
    }

    [Fact]
    public void TryMap_Base64Body_DecodesBytes()
    {
        byte[] png = [0x89, 0x50, 0x4E, 0x47, 0x00, 0xFF];
        var v2 = Map($$$"""{"version":"2.0","rawPath":"/upload","rawQueryString":"","requestContext":{"stage":"$default","http":{"method":"PUT"}},"headers":{"content-type":"image/png"},"body":"{{{Convert.ToBase64String(png)}}}","isBase64Encoded":true}""");
        var v1 = Map($$$"""{"resource":"/upload","path":"/upload","httpMethod":"PUT","body":"{{{Convert.ToBase64String(png)}}}","isBase64Encoded":true}""");

        Assert.Equal(png, v2.Request.Body.ToArray());
        Assert.Equal(png, v1.Request.Body.ToArray());
    }

    [Theory]
    [InlineData("""{"version":"2.0","rawPath":"/items","requestContext":{"http":{"method":"POST"}},"body":"%%%not base64","isBase64Encoded":true}""", HttpEventFormat.HttpApiV2)]
    [InlineData("""{"resource":"/items","path":"/items","httpMethod":"POST","body":"eyJ","isBase64Encoded":true}""", HttpEventFormat.RestV1)]
    [InlineData("""{"version":"2.0","rawPath":"/items","requestContext":{"domainName":"abc.lambda-url.eu-west-1.on.aws","http":{"method":"POST"}},"body":"not*base64","isBase64Encoded":true}""", HttpEventFormat.FunctionUrl)]
    public void TryMap_InvalidBase64Body_MapsWithA400InCoresErrorShape(string json, HttpEventFormat format)
    {
        var e = Map(json);

        Assert.Equal(format, e.Format);
        Assert.Equal("POST", e.Request.Method);
        Assert.Equal("/items", e.Request.Path);
        Assert.True(e.Request.Body.IsEmpty);
        var rejection = Assert.IsType<Portable.Core.Http.PortableHttpResponse>(e.Rejection);
        Assert.Equal(400, rejection.StatusCode);
        Assert.Equal("application/json; charset=utf-8", rejection.Headers["Content-Type"]);
        using var body = System.Text.Json.JsonDocument.Parse(rejection.Body);
        Assert.False(string.IsNullOrWhiteSpace(body.RootElement.GetProperty("error").GetString()));
        Assert.Contains("base64", body.RootElement.GetProperty("details").GetProperty("body").GetString(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("""{"version":"2.0","rawPath":"/x","requestContext":{"http":{"method":"POST"}},"body":"not base64 but not flagged","isBase64Encoded":false}""")]
    [InlineData("""{"version":"2.0","rawPath":"/x","requestContext":{"http":{"method":"POST"}},"body":"eyJhIjoxfQ==","isBase64Encoded":true}""")]
    [InlineData("""{"resource":"/x","path":"/x","httpMethod":"GET","body":null,"isBase64Encoded":true}""")]
    public void TryMap_ReadableBody_HasNoRejection(string json) =>
        Assert.Null(Map(json).Rejection);

    [Theory]
    [InlineData("prod", "/prod/items/42", "/items/42")]
    [InlineData("prod", "/prod", "/")]
    [InlineData("prod", "/production/items", "/production/items")]
    [InlineData("$default", "/prod/items", "/prod/items")]
    public void TryMap_HttpApiV2NamedStage_StripsLeadingStageSegment(string stage, string rawPath, string expected)
    {
        var json = """{"version":"2.0","rawPath":"RAW","rawQueryString":"","requestContext":{"stage":"STAGE","http":{"method":"GET","path":"RAW"}}}""";
        var e = Map(json.Replace("RAW", rawPath, StringComparison.Ordinal).Replace("STAGE", stage, StringComparison.Ordinal));

        Assert.Equal(expected, e.Request.Path);
    }

    [Fact]
    public void TryMap_FunctionUrlEvent_IsRecognisedByItsDomain()
    {
        var e = Map("""
            {"version":"2.0","routeKey":"$default","rawPath":"/items","rawQueryString":"limit=5",
             "headers":{"traceparent":"00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01"},
             "requestContext":{"accountId":"anonymous","apiId":"abc","domainName":"abc.lambda-url.us-west-2.on.aws",
               "http":{"method":"GET","path":"/items"},"requestId":"r1","routeKey":"$default","stage":"$default"},
             "isBase64Encoded":false}
            """);

        Assert.Equal(HttpEventFormat.FunctionUrl, e.Format);
        Assert.Equal("/items", e.Request.Path);
        Assert.Equal("limit=5", e.Request.QueryString);
        Assert.Equal("00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01", e.TraceParent);
    }

    [Theory]
    [InlineData("aws-sqs-event.json", "aws:sqs")]
    [InlineData("aws-sns-event.json", "aws:sns")]
    [InlineData("aws-s3-put.json", "aws:s3")]
    [InlineData("aws-eventbridge-scheduled.json", "Scheduled Event")]
    public void TryMap_NonHttpSample_FailsAsUnsupportedNamingTheSource(string sample, string named)
    {
        var error = Fail(RepoPaths.ReadSample(sample));

        Assert.Equal(ApiGatewayRequestMapper.UnsupportedEventType, error.ErrorType);
        Assert.Contains(named, error.ErrorMessage, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("not json at all")]
    [InlineData("[1,2,3]")]
    [InlineData("{}")]
    public void TryMap_NotAnHttpEvent_FailsAsUnsupported(string payload)
    {
        Assert.Equal(ApiGatewayRequestMapper.UnsupportedEventType, Fail(payload).ErrorType);
    }
}
