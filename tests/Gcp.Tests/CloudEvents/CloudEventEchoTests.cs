using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;
using Portable.TestKit;

namespace Portable.Gcp.Tests.CloudEvents;

/// <summary>
/// The Functions Framework conformance cases for CloudEvent functions against the real Cloud Run host serving
/// <c>cloudevent-echo</c> alone: every <c>*-cloudevent-input.json</c>, sent in binary mode (as the conformance client's
/// CloudEvents SDK sends it) and in structured mode, comes back in <c>function_output.json</c> equal to the input on
/// the fields the client compares; every shared vendor sample is read; malformed events get a 400 with a JSON body.
/// </summary>
public sealed class CloudEventEchoTests(EchoHost host) : IClassFixture<EchoHost>
{
    public static TheoryData<string> Inputs => ConformanceData.Cases("-cloudevent-input.json");

    [Theory]
    [MemberData(nameof(Inputs))]
    public async Task BinaryMode_ConformanceInput_IsEchoedUnchanged(string name)
    {
        var input = ConformanceData.Json(name + "-cloudevent-input.json");

        var (status, body, echo) = await host.SendAsync(EchoHost.Binary(input));

        Assert.True(status == 204, $"{name}: {status} {body}");
        CloudEventAssert.Matches(input, echo, name);
    }

    [Theory]
    [MemberData(nameof(Inputs))]
    public async Task StructuredMode_ConformanceInput_IsEchoedUnchanged(string name)
    {
        var text = ConformanceData.Text(name + "-cloudevent-input.json");

        var (status, body, echo) = await host.SendAsync(EchoHost.Structured(text));

        Assert.True(status == 204, $"{name}: {status} {body}");
        CloudEventAssert.Matches(JsonNode.Parse(text)!.AsObject(), echo, name);
    }

    [Theory]
    [InlineData("gcp-cloudevent-storage-finalized.json")]
    [InlineData("gcp-cloudevent-pubsub-message-published.json")]
    public async Task StructuredMode_VendorSample_IsRead(string sample)
    {
        var text = RepoPaths.ReadSample(sample);

        var (status, body, echo) = await host.SendAsync(EchoHost.Structured(text));

        Assert.True(status == 204, $"{sample}: {status} {body}");
        CloudEventAssert.Matches(JsonNode.Parse(text)!.AsObject(), echo, sample);
    }

    [Fact]
    public async Task BinaryMode_StorageSampleBody_WithEventarcHeaders_IsRead()
    {
        // The sample is the data alone, as Eventarc posts it in binary mode; the attributes are its headers.
        var data = RepoPaths.ReadSample("gcp-cloudevent-storage-data-only-binary-mode-body.json");
        var request = new HttpRequestMessage(HttpMethod.Post, "/") { Content = new StringContent(data, Encoding.UTF8, new MediaTypeHeaderValue("application/json")) };
        request.Headers.Add("ce-specversion", "1.0");
        request.Headers.Add("ce-id", "1234567890");
        request.Headers.Add("ce-source", "//storage.googleapis.com/projects/_/buckets/sample-bucket");
        request.Headers.Add("ce-type", "google.cloud.storage.object.v1.finalized");
        request.Headers.Add("ce-subject", "objects/MyFile");
        request.Headers.Add("ce-time", "2020-05-18T09:07:51.799Z");
        request.Headers.Add("ce-bucket", "sample-bucket");

        var (status, body, echo) = await host.SendAsync(request);

        Assert.True(status == 204, body);
        Assert.NotNull(echo);
        Assert.Equal("objects/MyFile", echo["subject"]?.GetValue<string>());
        Assert.Equal("sample-bucket", echo["bucket"]?.GetValue<string>());
        Assert.Equal("application/json", echo["datacontenttype"]?.GetValue<string>());
        Assert.True(JsonNode.DeepEquals(JsonNode.Parse(data), echo["data"]));
    }

    [Fact]
    public async Task BinaryMode_PercentEncodedHeader_IsDecoded()
    {
        var request = EchoHost.Binary(new JsonObject
        {
            ["specversion"] = "1.0",
            ["id"] = "pct-1",
            ["source"] = "//storage.googleapis.com/projects/_/buckets/b",
            ["type"] = "google.cloud.storage.object.v1.finalized",
            ["subject"] = "objects/caf%C3%A9 menu.csv",
            ["datacontenttype"] = "application/json",
            ["data"] = new JsonObject { ["name"] = "café menu.csv" },
        });

        var (status, _, echo) = await host.SendAsync(request);

        Assert.Equal(204, status);
        Assert.Equal("objects/café menu.csv", echo?["subject"]?.GetValue<string>());
    }

    [Fact]
    public async Task StructuredMode_DataBase64_IsEchoedAsBase64()
    {
        var json = """{"specversion":"1.0","id":"b64","source":"//example/x","type":"t","datacontenttype":"application/octet-stream","data_base64":"AQIDBA=="}""";

        var (status, _, echo) = await host.SendAsync(EchoHost.Structured(json));

        Assert.Equal(204, status);
        Assert.Equal("AQIDBA==", echo?["data_base64"]?.GetValue<string>());
        Assert.Null(echo?["data"]);
    }

    [Theory]
    [InlineData("application/cloudevents+json", """{"specversion":"1.0","id":"x","source":"//s"}""", "'type'")]
    [InlineData("application/cloudevents+json", """{"specversion":"0.3","id":"x","source":"//s","type":"t"}""", "specversion '0.3'")]
    [InlineData("application/cloudevents+json", """{"specversion":"1.0","id":"x","source":"//s","type":"t","time":"yesterday"}""", "RFC 3339")]
    [InlineData("application/cloudevents+json", """{"specversion":"1.0","id":"x","source":"//s","type":"t","data":{},"data_base64":"AA=="}""", "both data and data_base64")]
    [InlineData("application/cloudevents+json", "{not json", "not JSON")]
    [InlineData("application/cloudevents-batch+json", "[]", "batch")]
    [InlineData("application/json", "{not json", "not JSON")]
    [InlineData("application/json", """{"eventId":"1","eventType":"google.nothing.happened","resource":"r","data":{}}""", "no CloudEvent equivalent")]
    [InlineData("application/json", """{"eventType":"google.storage.object.finalize","resource":"r","data":{}}""", "eventId")]
    [InlineData("application/json", """{"message":{"data":"AA=="},"subscription":"projects/p/subscriptions/s"}""", "messageId")]
    [InlineData("text/plain", "hello", "not a CloudEvent")]
    public async Task MalformedEvent_Gets400WithJsonError_AndNoInvocation(string contentType, string body, string expected)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, "/") { Content = new ByteArrayContent(Encoding.UTF8.GetBytes(body)) };
        request.Content.Headers.TryAddWithoutValidation("Content-Type", contentType);

        var (status, responseBody, echo) = await host.SendAsync(request);

        Assert.Equal(400, status);
        var error = JsonNode.Parse(responseBody)!["error"]!.GetValue<string>();
        Assert.Contains(expected, error, StringComparison.Ordinal);
        Assert.Null(echo);
        Assert.False(host.Process.HasExited);
    }

    [Fact]
    public async Task BinaryMode_MissingId_Gets400()
    {
        var request = new HttpRequestMessage(HttpMethod.Post, "/any/path") { Content = new StringContent("{}", Encoding.UTF8, new MediaTypeHeaderValue("application/json")) };
        request.Headers.Add("ce-specversion", "1.0");
        request.Headers.Add("ce-source", "//s");
        request.Headers.Add("ce-type", "t");

        var (status, body, echo) = await host.SendAsync(request);

        Assert.Equal(400, status);
        Assert.Contains("'id'", body, StringComparison.Ordinal);
        Assert.Null(echo);
    }

    [Fact]
    public async Task Get_Is405_WithAllowPost()
    {
        var (status, _, echo) = await host.SendAsync(new HttpRequestMessage(HttpMethod.Get, "/"));

        Assert.Equal(405, status);
        Assert.Null(echo);
    }
}
