using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;

namespace Portable.Gcp.Tests.Events;

/// <summary>Pub/Sub push and Eventarc deliveries to the real Portable.Gcp, serving the ledger pattern.</summary>
public sealed class PubSubPushEndpointTests
{
    [Fact]
    public async Task Post_PushEnvelopeToFunctionPath_Acks204AndAppliesThePayment()
    {
        await using var host = await GcpHostProcess.StartReadyAsync();
        using var client = host.CreateClient();

        var response = await client.PostAsync("/ledger-writer", Json(PushEnvelope("m-1", Payment("p-1", "acc-push", 12.5m))));

        Assert.Equal(HttpStatusCode.NoContent, response.StatusCode);
        await AssertBalanceAsync(client, "acc-push", 12.5m, 1);
    }

    [Fact]
    public async Task Post_SameMessageTwice_AcksBothAndAppliesOnce()
    {
        await using var host = await GcpHostProcess.StartReadyAsync();
        using var client = host.CreateClient();
        var envelope = PushEnvelope("m-dup", Payment("p-dup", "acc-dup", 3m));

        Assert.Equal(HttpStatusCode.NoContent, (await client.PostAsync("/ledger-writer", Json(envelope))).StatusCode);
        Assert.Equal(HttpStatusCode.NoContent, (await client.PostAsync("/ledger-writer", Json(envelope))).StatusCode);

        await AssertBalanceAsync(client, "acc-dup", 3m, 1);
    }

    [Fact]
    public async Task Post_BinaryCloudEvent_Acks204()
    {
        await using var host = await GcpHostProcess.StartReadyAsync();
        using var client = host.CreateClient();
        using var request = new HttpRequestMessage(HttpMethod.Post, "/ledger-writer") { Content = Json(PushEnvelope("ce-1", Payment("p-ce", "acc-ce", 1m))) };
        request.Headers.Add("ce-specversion", "1.0");
        request.Headers.Add("ce-id", "ce-1");
        request.Headers.Add("ce-source", "//pubsub.googleapis.com/projects/p/topics/payments");
        request.Headers.Add("ce-type", "google.cloud.pubsub.topic.v1.messagePublished");

        var response = await client.SendAsync(request);

        Assert.Equal(HttpStatusCode.NoContent, response.StatusCode);
        await AssertBalanceAsync(client, "acc-ce", 1m, 1);
    }

    [Fact]
    public async Task Post_StructuredCloudEvent_Acks204()
    {
        await using var host = await GcpHostProcess.StartReadyAsync();
        using var client = host.CreateClient();
        var cloudEvent = $$"""
            {"specversion":"1.0","id":"se-1","source":"//pubsub.googleapis.com/projects/p/topics/payments",
             "type":"google.cloud.pubsub.topic.v1.messagePublished","datacontenttype":"application/json",
             "data":{{PushEnvelope("se-1", Payment("p-se", "acc-se", 2m))}}}
            """;
        using var content = new StringContent(cloudEvent, Encoding.UTF8);
        content.Headers.ContentType = new MediaTypeHeaderValue("application/cloudevents+json");

        var response = await client.PostAsync("/ledger-writer", content);

        Assert.Equal(HttpStatusCode.NoContent, response.StatusCode);
        await AssertBalanceAsync(client, "acc-se", 2m, 1);
    }

    [Fact]
    public async Task Post_MalformedEnvelope_Returns400WithJsonError()
    {
        await using var host = await GcpHostProcess.StartReadyAsync();
        using var client = host.CreateClient();

        var response = await client.PostAsync("/ledger-writer", Json("""{"message":{"messageId":"1"},"subscription":"projects/p/subscriptions/s"}"""));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        using var error = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        Assert.Contains("neither data nor attributes", error.RootElement.GetProperty("error").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Get_QueueFunctionPath_Returns405AllowingPost()
    {
        await using var host = await GcpHostProcess.StartReadyAsync();
        using var client = host.CreateClient();

        var response = await client.GetAsync("/ledger-writer");

        Assert.Equal(HttpStatusCode.MethodNotAllowed, response.StatusCode);
        Assert.Equal("POST", string.Join(",", response.Content.Headers.Allow));
    }

    [Theory]
    [InlineData("/")]
    [InlineData("/projects/p/topics/payments")]
    public async Task Post_AnyPathWhenFunctionTargetIsTheQueueFunction_IsDelivered(string path)
    {
        await using var host = await GcpHostProcess.StartReadyAsync(("FUNCTION_TARGET", "ledger-writer"));
        using var client = host.CreateClient();

        var response = await client.PostAsync(path, Json(PushEnvelope("t-1", Payment("p-t", "acc-t", 4m))));

        Assert.Equal(HttpStatusCode.NoContent, response.StatusCode);
    }

    [Fact]
    public async Task Post_PoisonWhenTheDeadLetterTopicIsUnreachable_Returns500SoPubSubRetries()
    {
        // Metadata server on a closed loopback port: the dead-letter publish cannot get a token, so the permanent
        // failure cannot be recorded; the host must nack (500) rather than ack and lose the message.
        await using var host = await GcpHostProcess.StartReadyAsync(("GOOGLE_CLOUD_PROJECT", "p"), ("GCE_METADATA_HOST", $"127.0.0.1:{Portable.TestKit.FreePort.Next()}"));
        using var client = host.CreateClient();

        var response = await client.PostAsync("/ledger-writer", Json(PushEnvelope("poison-1", "not json")));

        Assert.Equal(HttpStatusCode.InternalServerError, response.StatusCode);
        using var error = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        Assert.Contains("Could not dead-letter", error.RootElement.GetProperty("error").GetString(), StringComparison.Ordinal);
        Assert.Equal("poison-1", error.RootElement.GetProperty("details").GetProperty("messageId").GetString());
    }

    internal static string Payment(string paymentId, string account, decimal amount) =>
        $$"""{"paymentId":"{{paymentId}}","account":"{{account}}","amount":{{amount.ToString(System.Globalization.CultureInfo.InvariantCulture)}},"currency":"EUR"}""";

    internal static string PushEnvelope(string messageId, string data, int? deliveryAttempt = null) =>
        $$"""
        {"message":{"data":"{{Convert.ToBase64String(Encoding.UTF8.GetBytes(data))}}","attributes":{"origin":"test"},
         "messageId":"{{messageId}}","message_id":"{{messageId}}","publishTime":"2024-05-01T10:00:00.123Z","publish_time":"2024-05-01T10:00:00.123Z"},
         "subscription":"projects/p/subscriptions/payments-push"{{(deliveryAttempt is { } a ? $",\"deliveryAttempt\":{a}" : string.Empty)}}}
        """;

    internal static async Task AssertBalanceAsync(HttpClient client, string account, decimal balance, int entries)
    {
        var response = await client.GetAsync($"/accounts/{account}");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        using var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        Assert.Equal(balance, body.RootElement.GetProperty("balance").GetDecimal());
        Assert.Equal(entries, body.RootElement.GetProperty("entries").GetInt32());
    }

    private static StringContent Json(string json) => new(json, Encoding.UTF8, "application/json");
}
