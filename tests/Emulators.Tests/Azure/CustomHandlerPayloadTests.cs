using System.Text;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Time.Testing;
using Portable.Emulators.Azure;

namespace Portable.Emulators.Tests.Azure;

public class CustomHandlerPayloadTests
{
    private static HttpRequest Request(string method, string path, string query, string? contentType, byte[] body)
    {
        var context = new DefaultHttpContext();
        context.Request.Method = method;
        context.Request.Scheme = "http";
        context.Request.Host = new HostString("localhost", 7071);
        context.Request.Path = path;
        context.Request.QueryString = new QueryString(query);
        context.Request.ContentType = contentType;
        context.Request.ContentLength = body.Length;
        context.Request.Headers["X-Multi"] = new Microsoft.Extensions.Primitives.StringValues(["a", "b"]);
        return context.Request;
    }

    [Fact]
    public void BuildHttpRequest_JsonPost_SameShapeAsTheRealSample()
    {
        var sample = (JsonObject)JsonNode.Parse(AzureSamples.Read("azure-customhandler-http-request-nonforwarded.json"))!["Data"]!["req"]!;
        var body = Encoding.UTF8.GetBytes("""{"id":1005}""");

        var req = CustomHandlerPayload.BuildHttpRequest(Request("POST", "/api/order", "?x=1&x=2", "application/json", body), body, new Dictionary<string, string> { ["id"] = "7" });

        Assert.Equal(sample.Select(p => p.Key).Order(StringComparer.Ordinal), req.Select(p => p.Key).Order(StringComparer.Ordinal));
        Assert.Equal("http://localhost:7071/api/order?x=1&x=2", (string)req["Url"]!);
        Assert.Equal("POST", (string)req["Method"]!);
        Assert.Equal("1,2", (string)req["Query"]!["x"]!);
        Assert.Equal(["application/json"], req["Headers"]!["Content-Type"]!.AsArray().Select(v => (string)v!));
        Assert.Equal(["a", "b"], req["Headers"]!["X-Multi"]!.AsArray().Select(v => (string)v!));
        Assert.Equal("7", (string)req["Params"]!["id"]!);
        Assert.Equal("""{"id":1005}""", (string)req["Body"]!);
    }

    [Fact]
    public void BuildHttpRequest_NoContentLength_NoBodyProperty()
    {
        var req = CustomHandlerPayload.BuildHttpRequest(Request("GET", "/x", string.Empty, null, []), ReadOnlyMemory<byte>.Empty, new Dictionary<string, string>());

        Assert.False(req.ContainsKey("Body"));
    }

    [Fact]
    public void BuildHttpRequest_OctetStream_BodyAsBase64()
    {
        byte[] body = [0, 1, 255];

        var req = CustomHandlerPayload.BuildHttpRequest(Request("PUT", "/x", string.Empty, "application/octet-stream", body), body, new Dictionary<string, string>());

        Assert.Equal("AAH/", (string)req["Body"]!);
    }

    [Fact]
    public void BuildHttpMetadata_Request_RouteValuesQueryHeadersAndSys()
    {
        var time = new FakeTimeProvider(new DateTimeOffset(2026, 1, 2, 3, 4, 5, TimeSpan.Zero));
        var req = new JsonObject { ["Params"] = new JsonObject { ["id"] = "7" }, ["Query"] = new JsonObject(), ["Headers"] = new JsonObject() };

        var metadata = CustomHandlerPayload.BuildHttpMetadata(req, "items-api", time);

        Assert.Equal("7", (string)metadata["id"]!);
        Assert.NotNull(metadata["Query"]);
        Assert.NotNull(metadata["Headers"]);
        Assert.Equal("items-api", (string)metadata["sys"]!["MethodName"]!);
        Assert.Equal("2026-01-02T03:04:05.0000000Z", (string)metadata["sys"]!["UtcNow"]!);
        Assert.True(Guid.TryParse((string)metadata["sys"]!["RandGuid"]!, out _));
    }

    [Fact]
    public void Parse_RealResponseSample_OutputsLogsAndReturnValue()
    {
        var result = CustomHandlerInvocationResult.Parse(200, AzureSamples.Read("azure-customhandler-response-example.json"));

        Assert.True(result.IsSuccess);
        Assert.Equal(["Log message 1", "Log message 2"], result.Logs);
        Assert.Equal("""{"hello":"world"}""", (string)result.ReturnValue!);
        Assert.Equal(2, result.GetOutput("myqueueoutput")!.AsArray().Count);
        var http = CustomHandlerPayload.ReadHttpOutput(result, "res");
        Assert.Equal(200, http.StatusCode);
        Assert.Equal("Message enqueued", Encoding.UTF8.GetString(http.Body));
    }

    [Fact]
    public void Parse_RealResponseSampleWithNullLogs_NoLogs()
    {
        var result = CustomHandlerInvocationResult.Parse(200, AzureSamples.Read("azure-customhandler-http-response-with-queue-output.json"));

        Assert.Empty(result.Logs);
        Assert.Equal("Order enqueued", Encoding.UTF8.GetString(CustomHandlerPayload.ReadHttpOutput(result, "res").Body));
    }

    [Theory]
    [InlineData("""{"Outputs":{"res":{"statusCode":"201","body":"x"}}}""", 201)]
    [InlineData("""{"Outputs":{"res":{"statusCode":404}}}""", 404)]
    [InlineData("""{"Outputs":{"res":{"status":"418"}}}""", 418)]
    [InlineData("""{"outputs":{"RES":{"StatusCode":"202"}}}""", 202)]
    [InlineData("""{"Outputs":{"res":"{\"statusCode\":\"203\"}"}}""", 203)]
    [InlineData("""{"Outputs":{}}""", 200)]
    [InlineData("not json", 200)]
    public void ReadHttpOutput_StatusSpellings_ReadAsTheHostReadsThem(string body, int expected) =>
        Assert.Equal(expected, CustomHandlerPayload.ReadHttpOutput(CustomHandlerInvocationResult.Parse(200, body), "res").StatusCode);

    [Fact]
    public void ReadHttpOutput_ReturnBinding_UsesReturnValue()
    {
        var result = CustomHandlerInvocationResult.Parse(200, """{"Outputs":{},"ReturnValue":{"statusCode":"202","body":{"a":1},"headers":{"X-A":"1","X-B":["2","3"]}}}""");

        var http = CustomHandlerPayload.ReadHttpOutput(result, "$return");

        Assert.Equal(202, http.StatusCode);
        Assert.Equal("""{"a":1}""", Encoding.UTF8.GetString(http.Body));
        Assert.Equal([new("X-A", "1"), new("X-B", "2"), new KeyValuePair<string, string>("X-B", "3")], http.Headers);
    }
}
