using System.Text;
using Portable.Aws.Events;
using Portable.Aws.Runtime;
using Portable.TestKit;

namespace Portable.Aws.Tests.Events;

// The reader is the mapper's fast path: whatever it maps must be what the document path maps, field for field, and
// whatever the document path refuses it must decline (so the refusal keeps the document path's words).
public class ApiGatewayEventReaderTests
{
    public static TheoryData<string> Samples() =>
        [.. Directory.GetFiles(RepoPaths.Samples, "*.json").Select(f => Path.GetFileName(f)).Order(StringComparer.Ordinal)];

    // Shapes the reader must take itself, not hand to the document path: the real events.
    public static TheoryData<string> Mapped() =>
    [
        RepoPaths.ReadSample("aws-apigw-v2-request.json"),
        RepoPaths.ReadSample("aws-apigw-rest-v1-proxy-request.json"),
        """{"version":"2.0","routeKey":"$default","rawPath":"/items","rawQueryString":"limit=5","headers":{"traceparent":"00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01"},"requestContext":{"accountId":"anonymous","domainName":"abc.lambda-url.us-west-2.on.aws","http":{"method":"GET","path":"/items"},"requestId":"r1","stage":"$default"},"isBase64Encoded":false}""",
        """{"version":"2.0","rawPath":"/prod/items/42","requestContext":{"stage":"prod","http":{"method":"delete"}},"headers":{"X-Num":7,"x-flag":true,"x-null":null,"x-esc":"a\"b\u00e9"},"cookies":["a=1",null,"","b=2"],"body":"caf\u00e9 \"quoted\"","isBase64Encoded":false}""",
        """{"version":"2.0","rawPath":"/upload","requestContext":{"http":{"method":"PUT"}},"body":"iVBORwD/","isBase64Encoded":true}""",
        """{"version":"2.0","rawPath":"/items","requestContext":{"http":{"method":"POST"}},"body":"%%%not base64","isBase64Encoded":true}""",
        """{"resource":"/{proxy+}","path":"/items/a b/é","httpMethod":"get","headers":{"Accept":"text/plain"},"multiValueHeaders":{"Accept":["application/json",null,"text/html"],"X-One":"a"},"queryStringParameters":{"tag":"b"},"multiValueQueryStringParameters":{"tag":["a","b"],"q":["x y&z"]},"requestContext":{"stage":"prod","requestId":"r2"},"body":null}""",
        """{"resource":"/x","httpMethod":"POST","headers":{"A":"1"},"multiValueHeaders":{},"queryStringParameters":{"n":1,"e":null},"multiValueQueryStringParameters":null,"body":"{}"}""",
        """{"isBase64Encoded":false,"body":"late","requestContext":{"http":{"path":"/from-http","method":"GET"},"domainName":"x.LAMBDA-URL.eu-west-1.on.aws"},"version":"2.0"}""",
        """{"version":"2.0","rawPath":"/a","rawPath":"/b","requestContext":{"http":{"method":"GET"}},"requestContext":{"requestId":"second","http":{"method":"HEAD"}},"headers":{"x":"1"},"headers":{"y":"2","y":"3"}}""",
        "  {\"version\":\"2.0\",\"requestContext\":{\"http\":{\"method\":\"GET\"}}}  \n",
    ];

    // Events the document path refuses or fails on in its own words; the reader must leave every one to it.
    public static TheoryData<string> Declined() =>
    [
        "not json at all",
        "[1,2,3]",
        "{}",
        """{"version":"2.0","requestContext":{"http":{"method":"GET"}}} trailing""",
        """{"version":"2.0","requestContext":{"http":{}}}""",
        """{"version":"2.0","requestContext":{"http":{"method":""}}}""",
        """{"version":"2.0","requestContext":{"http":{"method":"GET"}},"headers":{"x":{"nested":1}}}""",
        """{"version":"2.0","requestContext":{"http":{"method":"GET"}},"headers":{"x":["a"]}}""",
        """{"version":"2.0","requestContext":{"http":{"method":"GET"}},"cookies":[1]}""",
        """{"version":"2.0","requestContext":{"http":{"method":"GET"}},"body":42}""",
        """{"version":"2.0","requestContext":{"http":{"method":"GET"}},"requestContext":"replaced"}""",
        """{"resource":"/x","httpMethod":"GET","multiValueHeaders":{"x":[{"a":1}]}}""",
        """{"resource":"/x","httpMethod":"GET","multiValueQueryStringParameters":{"x":[["a"]]}}""",
        """{"resource":"/x","httpMethod":"GET","queryStringParameters":{"x":{}}}""",
        """{"path":"/x","httpMethod":7}""",
        """{"version":"2.0","requestContext":{"http":{"method":"GET"}}""",
        new string('[', 70) + new string(']', 70),
    ];

    [Theory]
    [MemberData(nameof(Samples))]
    public void TryRead_EverySample_MapsAsTheDocumentPathDoesOrDeclines(string sample) =>
        AssertAgrees(Encoding.UTF8.GetBytes(RepoPaths.ReadSample(sample)));

    [Theory]
    [MemberData(nameof(Mapped))]
    public void TryRead_HttpEvent_MapsItselfToTheDocumentPathsRequest(string json)
    {
        var payload = Encoding.UTF8.GetBytes(json);

        Assert.True(ApiGatewayEventReader.TryRead(payload, out _), "the reader declined an event it should map");
        AssertAgrees(payload);
    }

    [Theory]
    [MemberData(nameof(Declined))]
    public void TryRead_EventTheDocumentPathRefuses_Declines(string json)
    {
        var payload = Encoding.UTF8.GetBytes(json);

        Assert.False(ApiGatewayEventReader.TryRead(payload, out _));
        Assert.False(TryDocument(payload, out _, out var error));
        Assert.NotNull(error);
    }

    [Fact]
    public void TryRead_InvalidUtf8Body_DeclinesAndTheDocumentPathReportsItMalformed()
    {
        byte[] payload = [.. """{"version":"2.0","requestContext":{"http":{"method":"POST"}},"body":"a"""u8, 0xC3, 0x28, .. "\"}"u8];

        Assert.False(ApiGatewayEventReader.TryRead(payload, out _));
        Assert.False(ApiGatewayRequestMapper.TryMap(payload, out _, out var error));
        Assert.Equal(ApiGatewayRequestMapper.InvalidEventType, error.ErrorType);
    }

    [Fact]
    public void TryRead_PlainBody_IsACopyOfThePayloadsBytes()
    {
        var payload = Encoding.UTF8.GetBytes("""{"version":"2.0","requestContext":{"http":{"method":"POST"}},"body":"{}"}""");

        Assert.True(ApiGatewayEventReader.TryRead(payload, out var e));
        payload.AsSpan().Fill((byte)' ');
        Assert.Equal("{}", Encoding.UTF8.GetString(e.Request.Body.Span));
    }

    private static bool TryDocument(byte[] payload, out HttpEvent httpEvent, out LambdaError error)
    {
        try
        {
            return ApiGatewayRequestMapper.TryMapDocument(payload, out httpEvent, out error);
        }
        catch (ArgumentException ex)
        {
            httpEvent = null!;
            error = new LambdaError("ArgumentException", ex.Message);
            return false;
        }
    }

    private static void AssertAgrees(byte[] payload)
    {
        var documentMapped = TryDocument(payload, out var expected, out _);
        if (!ApiGatewayEventReader.TryRead(payload, out var actual))
        {
            return; // declined: TryMap answers with the document path itself
        }

        Assert.True(documentMapped, "the reader mapped an event the document path refuses");
        Assert.Equal(expected.Format, actual.Format);
        Assert.Equal(expected.GatewayRequestId, actual.GatewayRequestId);
        Assert.Equal(expected.TraceParent, actual.TraceParent);
        Assert.Equal(expected.Request.Method, actual.Request.Method);
        Assert.Equal(expected.Request.Path, actual.Request.Path);
        Assert.Equal(expected.Request.QueryString, actual.Request.QueryString);
        Assert.Equal(expected.Request.Headers.ToList(), actual.Request.Headers.ToList());
        Assert.Equal(expected.Request.Body.ToArray(), actual.Request.Body.ToArray());
        Assert.Equal(expected.Rejection?.StatusCode, actual.Rejection?.StatusCode);
        Assert.Equal(expected.Rejection?.Body.ToArray(), actual.Rejection?.Body.ToArray());
        Assert.Equal(expected.Rejection?.Headers.ToList(), actual.Rejection?.Headers.ToList());
    }
}
