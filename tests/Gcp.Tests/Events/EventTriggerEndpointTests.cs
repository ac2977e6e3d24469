using System.Collections.Concurrent;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Portable.Core.Events;
using Portable.Core.Functions;
using Portable.Core.Messaging;
using Portable.Emulators.Gcp;
using Portable.Gcp.Messaging;
using Portable.TestKit;

namespace Portable.Gcp.Tests.Events;

/// <summary>
/// Event functions on a composed Cloud Run host (<see cref="ComposedCloudRunHost"/>), over HTTP at
/// <c>/_portable/events/{rule}</c>: Eventarc's messagePublished CloudEvent in binary and structured mode and a plain
/// push carry the published envelope; a custom CloudEvent is mapped field by field; the rule's pattern is applied by
/// the host; redeliveries run once; failures answer with the status Pub/Sub reads; malformed events get a 400.
/// </summary>
public sealed class EventTriggerEndpointTests : IAsyncLifetime
{
    private const string Rule = "on-inventory-reserved";
    private const string Path = "/_portable/events/" + Rule;
    private const string DeadLetterTopic = Rule + "-dead-letter";

    private readonly ConcurrentQueue<(PortableEvent Event, int DeliveryCount)> _handled = new();
    private readonly ConcurrentDictionary<string, int> _attempts = new(StringComparer.Ordinal);
    private PubSubPushEmulator _pubSub = null!;
    private ComposedCloudRunHost _host = null!;

    private HttpClient Client => _host.Client;

    public async Task InitializeAsync()
    {
        // The host's dead letters go to Pub/Sub; nothing is pushed from this emulator.
        _pubSub = await PubSubPushEmulator.StartAsync(new PubSubPushEmulatorOptions { Topic = PubSubEventPublisherOptions.DefaultTopic, PushEndpoint = new Uri("http://127.0.0.1:9/") });
        _pubSub.CreateTopic(DeadLetterTopic);
        var manifest = new FunctionManifestBuilder()
            .AddEventFunction("charge-payment", Rule, """{"source": ["inventory"], "detail-type": ["inventory.reserved"]}""", Handle)
            .Build();
        _host = await ComposedCloudRunHost.StartAsync(new FunctionApp(manifest), new Dictionary<string, string>
        {
            [PubSubPublisherOptions.EmulatorHostVariable] = _pubSub.EmulatorHost,
            ["GOOGLE_CLOUD_PROJECT"] = "local-project",
        });
    }

    public async Task DisposeAsync()
    {
        await _host.DisposeAsync();
        await _pubSub.DisposeAsync();
    }

    private ValueTask<MessageResult> Handle(PortableEvent @event, FunctionContext context, CancellationToken cancellationToken)
    {
        var attempt = _attempts.AddOrUpdate(@event.Id, 1, (_, n) => n + 1);
        if (@event.Detail.TryGetProperty("poison", out _))
        {
            throw new PermanentFailureException($"{@event.Id} cannot be charged");
        }

        if (@event.Detail.TryGetProperty("flaky", out _) && attempt == 1)
        {
            throw new IOException("payments briefly unavailable");
        }

        _handled.Enqueue((@event, context.DeliveryCount));
        return ValueTask.FromResult(MessageResult.Success);
    }

    internal static string Envelope(string id, string source = "inventory", string detailType = "inventory.reserved", string detail = """{"order":"o-1","total":12.5}""") =>
        $$"""{"version":"0","id":"{{id}}","detail-type":"{{detailType}}","source":"{{source}}","time":"2026-03-01T12:00:00Z","resources":["orders/o-1"],"detail":{{detail}}}""";

    internal static string PushBody(string messageId, string data, IReadOnlyDictionary<string, string>? attributes = null, int? deliveryAttempt = null)
    {
        var message = new JsonObject
        {
            ["data"] = Convert.ToBase64String(Encoding.UTF8.GetBytes(data)),
            ["messageId"] = messageId,
            ["publishTime"] = "2026-03-01T12:00:00.123Z",
        };
        if (attributes is not null)
        {
            message["attributes"] = new JsonObject(attributes.Select(a => KeyValuePair.Create(a.Key, (JsonNode?)a.Value)));
        }

        var body = new JsonObject { ["message"] = message, ["subscription"] = "projects/local-project/subscriptions/eventarc-us-central1-" + Rule + "-sub-001" };
        if (deliveryAttempt is { } attempt)
        {
            body["deliveryAttempt"] = attempt;
        }

        return body.ToJsonString();
    }

    private Task<HttpResponseMessage> PostBinaryAsync(string body, string id, string type = "google.cloud.pubsub.topic.v1.messagePublished", string source = "//pubsub.googleapis.com/projects/local-project/topics/portable-events", string? time = "2026-03-01T12:00:00.123Z", params (string Name, string Value)[] more)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, Path) { Content = new StringContent(body, Encoding.UTF8, new MediaTypeHeaderValue("application/json")) };
        request.Headers.Add("ce-specversion", "1.0");
        request.Headers.Add("ce-id", id);
        request.Headers.Add("ce-type", type);
        request.Headers.Add("ce-source", source);
        if (time is not null)
        {
            request.Headers.Add("ce-time", time);
        }

        foreach (var (name, value) in more)
        {
            request.Headers.Add(name, value);
        }

        return Client.SendAsync(request);
    }

    private Task<HttpResponseMessage> PostStructuredAsync(string json) =>
        Client.PostAsync(Path, new StringContent(json, Encoding.UTF8, new MediaTypeHeaderValue("application/cloudevents+json")));

    private Task<HttpResponseMessage> PostPushAsync(string json) =>
        Client.PostAsync(Path, new StringContent(json, Encoding.UTF8, new MediaTypeHeaderValue("application/json")));

    private static async Task<string> ErrorOf(HttpResponseMessage response)
    {
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        using var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        return json.RootElement.GetProperty("error").GetString()!;
    }

    [Fact]
    public async Task BinaryMessagePublished_MatchingEvent_RunsTheHandlerWithTheEnvelopesFields()
    {
        const string traceParent = "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01";
        var attributes = new Dictionary<string, string> { ["source"] = "inventory", ["detail-type"] = "inventory.reserved", ["traceparent"] = traceParent };

        using var response = await PostBinaryAsync(PushBody("m-1", Envelope("evt-1"), attributes), "m-1");

        Assert.Equal(HttpStatusCode.NoContent, response.StatusCode);
        var (handled, count) = Assert.Single(_handled);
        Assert.Equal(("evt-1", "inventory", "inventory.reserved"), (handled.Id, handled.Source, handled.DetailType));
        Assert.Equal(new DateTimeOffset(2026, 3, 1, 12, 0, 0, TimeSpan.Zero), handled.Time);
        Assert.Equal(["orders/o-1"], handled.Resources);
        Assert.Equal(12.5m, handled.Detail.GetProperty("total").GetDecimal());
        // The routing attributes are the envelope's own fields again; the trace context travels on.
        Assert.Equal(new Dictionary<string, string> { ["traceparent"] = traceParent }, handled.Attributes);
        Assert.Equal(1, count);
    }

    [Fact]
    public async Task StructuredMessagePublished_RunsTheHandler()
    {
        var cloudEvent = new JsonObject
        {
            ["specversion"] = "1.0",
            ["type"] = "google.cloud.pubsub.topic.v1.messagePublished",
            ["source"] = "//pubsub.googleapis.com/projects/local-project/topics/portable-events",
            ["id"] = "m-2",
            ["datacontenttype"] = "application/json",
            ["data"] = JsonNode.Parse(PushBody("m-2", Envelope("evt-2"))),
        };

        using var response = await PostStructuredAsync(cloudEvent.ToJsonString());

        Assert.Equal(HttpStatusCode.NoContent, response.StatusCode);
        Assert.Equal("evt-2", Assert.Single(_handled).Event.Id);
    }

    [Fact]
    public async Task PlainPushEnvelope_RunsTheHandler_WithDeliveryAttemptAsTheCount()
    {
        using var response = await PostPushAsync(PushBody("m-3", Envelope("evt-3"), deliveryAttempt: 3));

        Assert.Equal(HttpStatusCode.NoContent, response.StatusCode);
        var (handled, count) = Assert.Single(_handled);
        Assert.Equal(("evt-3", 3), (handled.Id, count));
    }

    [Fact]
    public async Task EventTheRuleDoesNotMatch_Acked204_WithoutRunningTheHandler()
    {
        using var other = await PostBinaryAsync(PushBody("m-4", Envelope("evt-4", source: "orders", detailType: "order.placed")), "m-4");
        using var prefixOnly = await PostBinaryAsync(PushBody("m-5", Envelope("evt-5", detailType: "inventory.reserved.v2")), "m-5");

        Assert.Equal(HttpStatusCode.NoContent, other.StatusCode);
        Assert.Equal(HttpStatusCode.NoContent, prefixOnly.StatusCode);
        Assert.Empty(_handled);
        Assert.Empty(_attempts);
    }

    [Fact]
    public async Task SameEventRedelivered_SameOrNewMessageId_RunsOnce()
    {
        var envelope = Envelope("evt-dup");

        using var first = await PostBinaryAsync(PushBody("m-6", envelope), "m-6");
        using var redelivered = await PostBinaryAsync(PushBody("m-6", envelope, deliveryAttempt: 2), "m-6");
        using var republished = await PostBinaryAsync(PushBody("m-7", envelope), "m-7"); // a publish retried after a lost answer

        Assert.Equal([HttpStatusCode.NoContent, HttpStatusCode.NoContent, HttpStatusCode.NoContent], new[] { first.StatusCode, redelivered.StatusCode, republished.StatusCode });
        Assert.Equal("evt-dup", Assert.Single(_handled).Event.Id);
        Assert.Equal(1, _attempts["evt-dup"]);
    }

    [Fact]
    public async Task TransientFailure_Answers500_ThenTheRedeliveryRunsAndIsAcked()
    {
        var envelope = Envelope("evt-flaky", detail: """{"flaky":true}""");

        using var failed = await PostPushAsync(PushBody("m-8", envelope, deliveryAttempt: 1));
        using var retried = await PostPushAsync(PushBody("m-8", envelope, deliveryAttempt: 2));

        Assert.Equal(HttpStatusCode.InternalServerError, failed.StatusCode);
        using (var error = JsonDocument.Parse(await failed.Content.ReadAsStringAsync()))
        {
            Assert.Contains("payments briefly unavailable", error.RootElement.GetProperty("error").GetString(), StringComparison.Ordinal);
            Assert.Equal("evt-flaky", error.RootElement.GetProperty("details").GetProperty("id").GetString());
        }

        Assert.Equal(HttpStatusCode.NoContent, retried.StatusCode);
        var (handled, count) = Assert.Single(_handled);
        Assert.Equal(("evt-flaky", 2), (handled.Id, count));
    }

    [Fact]
    public async Task PermanentFailure_DeadLetteredToTheRulesTopic_AndAcked()
    {
        using var response = await PostBinaryAsync(PushBody("m-9", Envelope("evt-poison", detail: """{"poison":true}""")), "m-9");

        Assert.Equal(HttpStatusCode.NoContent, response.StatusCode);
        var letter = Assert.Single(_pubSub.Messages(DeadLetterTopic));
        Assert.Equal("evt-poison cannot be charged", letter.Attributes[PublishingDeadLetterSink.ReasonAttribute]);
        Assert.Equal(Rule, letter.Attributes[PublishingDeadLetterSink.SourceAttribute]);
        Assert.Equal("evt-poison", PortableEvent.FromEnvelope(letter.Data).Id);
        Assert.Empty(_handled);
    }

    [Fact]
    public async Task CustomCloudEvent_BinaryMode_MapsTypeSourceDataAndId()
    {
        using var response = await PostBinaryAsync(
            """{"order":"o-9","total":3}""", "ce-custom-1", type: "inventory.reserved", source: "inventory", time: "2026-03-02T08:30:00Z",
            ("ce-subject", "orders/o-9"), ("ce-traceparent", "00-0af7651916cd43dd8448eb211c80319c-00f067aa0ba902b7-01"));

        Assert.Equal(HttpStatusCode.NoContent, response.StatusCode);
        var handled = Assert.Single(_handled).Event;
        Assert.Equal(("ce-custom-1", "inventory", "inventory.reserved", "orders/o-9"), (handled.Id, handled.Source, handled.DetailType, handled.Subject));
        Assert.Equal(new DateTimeOffset(2026, 3, 2, 8, 30, 0, TimeSpan.Zero), handled.Time);
        Assert.Equal("o-9", handled.Detail.GetProperty("order").GetString());
        Assert.Equal("00-0af7651916cd43dd8448eb211c80319c-00f067aa0ba902b7-01", handled.Attributes["traceparent"]);
    }

    [Fact]
    public async Task CustomCloudEvent_StructuredMode_NotMatching_IsAckedWithoutRunning_AndMatching_Runs()
    {
        using var other = await PostStructuredAsync("""{"specversion":"1.0","id":"c-2","source":"orders","type":"order.placed","data":{"total":1}}""");
        using var matching = await PostStructuredAsync("""{"specversion":"1.0","id":"c-3","source":"inventory","type":"inventory.reserved","data":{"total":2}}""");

        Assert.Equal(HttpStatusCode.NoContent, other.StatusCode);
        Assert.Equal(HttpStatusCode.NoContent, matching.StatusCode);
        var handled = Assert.Single(_handled).Event;
        Assert.Equal(("c-3", 2), (handled.Id, handled.Detail.GetProperty("total").GetInt32()));
    }

    [Fact]
    public async Task SharedMessagePublishedSample_DataIsNoEvent_Refused400()
    {
        using var response = await PostStructuredAsync(RepoPaths.ReadSample("gcp-cloudevent-pubsub-message-published.json"));

        Assert.Contains("does not carry a Portable event", await ErrorOf(response), StringComparison.Ordinal);
        Assert.Empty(_attempts);
    }

    [Fact]
    public async Task SharedPushSample_DataIsNoEvent_Refused400()
    {
        using var response = await PostPushAsync(RepoPaths.ReadSample("gcp-pubsub-push.json"));

        Assert.Contains("does not carry a Portable event", await ErrorOf(response), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("not json", "not a Pub/Sub push envelope")]
    [InlineData("""{"message":{"messageId":"m","attributes":{"a":"b"}},"subscription":"s"}""", "has no data")]
    public async Task MalformedPush_Refused400WithTheReason(string body, string expected)
    {
        using var response = await PostPushAsync(body);

        Assert.Contains(expected, await ErrorOf(response), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("""{"version":"0","id":"x","source":"inventory","time":"2026-03-01T12:00:00Z","detail":{}}""", "'detail-type'")]
    [InlineData("""{"version":"0","id":"x","source":"inventory","detail-type":"inventory.reserved","time":"2026-03-01T12:00:00Z","detail":[1]}""", "'detail' is not a JSON object")]
    [InlineData("""{"version":"0","id":"x","source":"inventory","detail-type":"inventory.reserved","time":"yesterday","detail":{}}""", "'time' is not a timestamp")]
    [InlineData("""[1,2]""", "is a JSON object")]
    [InlineData("""{"id": """, "not valid JSON")]
    public async Task MessageWhoseDataIsNotAnEnvelope_Refused400NamingTheField(string data, string expected)
    {
        using var response = await PostBinaryAsync(PushBody("m-bad", data), "m-bad");

        Assert.Contains(expected, await ErrorOf(response), StringComparison.Ordinal);
        Assert.Empty(_attempts);
    }

    [Theory]
    [InlineData("""{"specversion":"1.0","id":"c","source":"inventory","type":"inventory.reserved","data":[1,2]}""", "JSON Array")]
    [InlineData("""{"specversion":"1.0","source":"inventory","type":"inventory.reserved","data":{}}""", "id, source and type")]
    [InlineData("""{"specversion":"1.0","id":"c","source":"inventory","type":"inventory.reserved","datacontenttype":"text/plain","data":"hello"}""", "text/plain")]
    [InlineData("""{"specversion":"1.0", """, "not JSON")]
    public async Task MalformedCustomCloudEvent_Refused400(string json, string expected)
    {
        using var response = await PostStructuredAsync(json);

        Assert.Contains(expected, await ErrorOf(response), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Get_Refused405WithAllowPost()
    {
        using var response = await Client.GetAsync(Path);

        Assert.Equal(HttpStatusCode.MethodNotAllowed, response.StatusCode);
        Assert.Equal("POST", string.Join(",", response.Content.Headers.Allow));
    }
}
