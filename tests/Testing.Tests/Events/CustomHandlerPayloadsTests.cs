using System.Text.Json;
using Portable.TestKit;

namespace Portable.Testing.Tests.Events;

public sealed class CustomHandlerPayloadsTests
{
    private static JsonElement Body(Portable.Core.Http.PortableHttpRequest request) => JsonDocument.Parse(request.Body).RootElement;

    [Fact]
    public void Http_RequestLikeTheSample_HasTheSamplesShape()
    {
        var request = HttpRequestBuilder.Post("/order").WithJson("""{"id":1005,"quantity":2,"color":"black"}""").Build();

        var built = CustomHandlerPayloads.Http(request, "order");

        string[] maps = ["$.Data.req.Headers", "$.Data.req.Query", "$.Data.req.Params", "$.Metadata.Headers", "$.Metadata.Query"];
        JsonShape.AssertConforms(
            JsonShape.Of(RepoPaths.ReadSample("azure-customhandler-http-request-nonforwarded.json"), maps),
            JsonShape.Of(built.Body, maps),
            // The docs' Query is the string "{}"; the host's code writes an object (samples/SOURCES.md). The docs
            // left the metadata out ("some portions removed"); the host sends the binding data and sys (protocols README §1c).
            extra: ["$.Data.req.Query", "$.Metadata.Query", "$.Metadata.Headers", "$.Metadata.sys"]);
    }

    [Fact]
    public void Http_Fields_AreWrittenAsTheHostWritesThem()
    {
        var request = HttpRequestBuilder.Get("/items/42?tag=a&tag=b").WithHeader("Accept", "application/json").WithRouteValue("id", "42").Build();

        var built = CustomHandlerPayloads.Http(request, "items-api", new CustomHandlerPayloadOptions { InvocationId = "inv-1" });

        Assert.Equal("POST", built.Method);
        Assert.Equal("/items-api", built.Path);
        Assert.Equal("inv-1", built.Headers["X-Azure-Functions-InvocationId"]);
        var req = Body(built).GetProperty("Data").GetProperty("req");
        Assert.Equal("http://localhost:7071/api/items/42?tag=a&tag=b", req.GetProperty("Url").GetString());
        Assert.Equal("GET", req.GetProperty("Method").GetString());
        Assert.Equal("a,b", req.GetProperty("Query").GetProperty("tag").GetString());
        Assert.Equal(["application/json"], req.GetProperty("Headers").GetProperty("Accept").EnumerateArray().Select(v => v.GetString()));
        Assert.Equal("42", req.GetProperty("Params").GetProperty("id").GetString());
        Assert.False(req.TryGetProperty("Body", out _));
        var metadata = Body(built).GetProperty("Metadata");
        Assert.Equal("42", metadata.GetProperty("id").GetString());
        Assert.Equal("items-api", metadata.GetProperty("sys").GetProperty("MethodName").GetString());
    }

    [Fact]
    public void Http_OctetStreamBody_IsBase64()
    {
        var request = HttpRequestBuilder.Post("/upload").WithBody("hi"u8.ToArray(), "application/octet-stream").Build();

        var req = Body(CustomHandlerPayloads.Http(request, "upload")).GetProperty("Data").GetProperty("req");

        Assert.Equal("aGk=", req.GetProperty("Body").GetString());
    }

    [Fact]
    public void Queue_MessageLikeTheSample_HasTheSamplesShape()
    {
        var message = MessageBuilder.Text("{ message: \"Message sent\" }", id: "800ae4b3-bdd2-4c08-badd-f08e5a34b865").Build();

        var built = CustomHandlerPayloads.Queue(message, "QueueTrigger");

        // The binding's name is the function's own (myQueueItem in the sample, message in Portable's layout).
        string[] maps = ["$.Data"];
        JsonShape.AssertConforms(JsonShape.Of(RepoPaths.ReadSample("azure-customhandler-queue-request.json"), maps), JsonShape.Of(built.Body, maps));
    }

    [Fact]
    public void Queue_Fields_AreWrittenAsTheHostWritesThem()
    {
        var inserted = new DateTimeOffset(2019, 10, 9, 17, 58, 31, TimeSpan.Zero);
        var message = MessageBuilder.Json("""{"a":1}""", id: "m-1").WithDeliveryCount(3).EnqueuedAt(inserted).Build();

        var built = CustomHandlerPayloads.Queue(message, "ledger-writer");

        Assert.Equal("/ledger-writer", built.Path);
        var root = Body(built);
        Assert.Equal("""{"a":1}""", root.GetProperty("Data").GetProperty("message").GetString());
        var metadata = root.GetProperty("Metadata");
        Assert.Equal(3, metadata.GetProperty("DequeueCount").GetInt32());
        Assert.Equal("m-1", metadata.GetProperty("Id").GetString());
        Assert.Equal("2019-10-09T17:58:31+00:00", metadata.GetProperty("InsertionTime").GetString());
        Assert.Equal("2019-10-16T17:58:31+00:00", metadata.GetProperty("ExpirationTime").GetString());
        Assert.Equal("ledger-writer", metadata.GetProperty("sys").GetProperty("MethodName").GetString());
    }
}
