using System.Text.Json;
using Amazon.Runtime;
using Microsoft.Extensions.Time.Testing;
using Portable.Aws.EventBridge;
using Portable.Core.Events;
using Portable.Core.Resilience;
using Portable.Core.Settings;
using Portable.Engines;

namespace Portable.Aws.Tests.EventBridge;

/// <summary>
/// The exact PutEvents requests the publisher sends, recorded on loopback and checked against the documented AWS JSON
/// 1.1 protocol (<c>POST /</c>, <c>X-Amz-Target: AWSEvents.PutEvents</c>, <c>Content-Type: application/x-amz-json-1.1</c>,
/// a SigV4 <c>Authorization</c> for service <c>events</c>, entries <c>{Source, DetailType, Detail, EventBusName, Time,
/// Resources}</c>), and how it treats EventBridge's answers: per-entry ids and error codes, throttled entries put again
/// alone, refusals of the whole request.
/// </summary>
public sealed class EventBridgePublisherTests : IAsyncLifetime
{
    private static readonly DateTimeOffset Now = new(2026, 11, 30, 8, 15, 30, TimeSpan.Zero);
    private readonly FakeTimeProvider _clock = new(Now);
    private readonly Queue<Func<RecordedRequest, RecordedResponse>> _answers = new();
    private RecordingHttpServer _server = null!;

    public Task InitializeAsync()
    {
        _server = new RecordingHttpServer(r => _answers.TryDequeue(out var answer) ? answer(r) : AcceptAll(r));
        return Task.CompletedTask;
    }

    public async Task DisposeAsync() => await _server.DisposeAsync();

    private EventBridgePublisher Publisher(AWSCredentials? credentials = null, int maxEntryRetries = 3) => new(
        new EventBridgePublisherOptions
        {
            ServiceUrl = _server.BaseUri,
            Region = "eu-west-1",
            BusName = "orders-bus",
            Credentials = credentials ?? new BasicAWSCredentials("AKIDEXAMPLE", "secret"),
            MaxEntryRetries = maxEntryRetries,
            EntryRetryDelay = TimeSpan.Zero,
        },
        _clock);

    private static PortableEvent Event(string detail = """{"orderId": "o-1", "total": 12.5}""", string id = "e-1", params string[] resources) => new()
    {
        Id = id,
        Source = "orders",
        DetailType = "order.placed",
        Time = new DateTimeOffset(2026, 11, 30, 8, 0, 0, 250, TimeSpan.Zero),
        Detail = JsonDocument.Parse(detail).RootElement.Clone(),
        Resources = resources,
    };

    private static RecordedResponse Json(int status, string body) => new(status, "application/x-amz-json-1.1", body);

    private static JsonElement[] Entries(RecordedRequest request) => [.. JsonDocument.Parse(request.Body).RootElement.GetProperty("Entries").EnumerateArray()];

    // Takes every entry, naming each event after its request and position.
    private RecordedResponse AcceptAll(RecordedRequest request) =>
        Json(200, $$"""{"FailedEntryCount":0,"Entries":[{{string.Join(',', Entries(request).Select((_, i) => $$"""{"EventId":"id-{{_server.Requests.Count}}-{{i}}"}"""))}}]}""");

    [Fact]
    public async Task PublishAsync_OneEvent_SendsADocumentedSignedPutEventsRequest()
    {
        using var publisher = Publisher();

        var id = await publisher.PublishAsync(Event(resources: "arn:aws:dynamodb:eu-west-1:123456789012:table/orders"));

        Assert.Equal("id-1-0", id);
        var request = Assert.Single(_server.Requests);
        Assert.Equal("POST", request.Method);
        Assert.Equal("/", request.PathAndQuery);
        Assert.Equal("AWSEvents.PutEvents", request.Headers["X-Amz-Target"]);
        Assert.Equal("application/x-amz-json-1.1", request.Headers["Content-Type"]);
        Assert.Equal("20261130T081530Z", request.Headers["X-Amz-Date"]);
        Assert.Matches("^AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20261130/eu-west-1/events/aws4_request, SignedHeaders=content-type;host;x-amz-date;x-amz-target, Signature=[0-9a-f]{64}$", request.Headers["Authorization"]);
        Assert.False(request.Headers.ContainsKey("X-Amz-Security-Token"));
        var entry = Assert.Single(Entries(request));
        Assert.Equal(["Source", "DetailType", "Detail", "EventBusName", "Time", "Resources"], entry.EnumerateObject().Select(p => p.Name));
        Assert.Equal("orders", entry.GetProperty("Source").GetString());
        Assert.Equal("order.placed", entry.GetProperty("DetailType").GetString());
        Assert.Equal("""{"orderId": "o-1", "total": 12.5}""", entry.GetProperty("Detail").GetString());
        Assert.Equal("orders-bus", entry.GetProperty("EventBusName").GetString());
        Assert.Equal(1796025600.25, entry.GetProperty("Time").GetDouble());
        Assert.Equal(["arn:aws:dynamodb:eu-west-1:123456789012:table/orders"], entry.GetProperty("Resources").EnumerateArray().Select(r => r.GetString()));
    }

    [Fact]
    public async Task PublishAsync_TemporaryCredentials_SignTheSecurityToken()
    {
        using var publisher = Publisher(new SessionAWSCredentials("ASIAEXAMPLE", "secret", "the-session-token"));

        await publisher.PublishAsync(Event());

        var request = Assert.Single(_server.Requests);
        Assert.Equal("the-session-token", request.Headers["X-Amz-Security-Token"]);
        Assert.Contains("SignedHeaders=content-type;host;x-amz-date;x-amz-target;x-amz-security-token", request.Headers["Authorization"].Replace("x-amz-security-token;x-amz-target", "x-amz-target;x-amz-security-token", StringComparison.Ordinal), StringComparison.Ordinal);
    }

    [Fact]
    public async Task PublishAsync_TwelveEvents_TwoRequestsOfAtMostTenAndTheIdsInOrder()
    {
        using var publisher = Publisher();

        var ids = await publisher.PublishAsync([.. Enumerable.Range(0, 12).Select(i => Event(id: $"e-{i}"))]);

        Assert.Equal([.. Enumerable.Range(0, 10).Select(i => $"id-1-{i}"), "id-2-0", "id-2-1"], ids);
        Assert.Equal([10, 2], _server.Requests.Select(r => Entries(r).Length));
    }

    [Fact]
    public async Task PublishAsync_EntriesOver256KbInAll_SplitIntoRequestsUnderTheLimit()
    {
        using var publisher = Publisher();
        var big = $$"""{"pad": "{{new string('x', 100 * 1024)}}"}""";

        var ids = await publisher.PublishAsync([Event(big, "a"), Event(big, "b"), Event(big, "c")]);

        Assert.Equal(3, ids.Count);
        Assert.Equal([2, 1], _server.Requests.Select(r => Entries(r).Length));
        Assert.All(_server.Requests, r => Assert.InRange(Entries(r).Sum(e => 14 + e.GetProperty("Source").GetString()!.Length + e.GetProperty("DetailType").GetString()!.Length + e.GetProperty("Detail").GetString()!.Length), 1, EventBridgePublisher.MaxEntryBytes));
    }

    [Fact]
    public async Task PublishAsync_EntryOver256Kb_IsRefusedBeforeAnythingIsSent()
    {
        using var publisher = Publisher();

        var refused = await Assert.ThrowsAsync<ArgumentException>(() => publisher.PublishAsync([Event(), Event($$"""{"pad": "{{new string('x', 256 * 1024)}}"}""", "too-big")]).AsTask());

        Assert.StartsWith("Event 1 ('too-big', orders / order.placed) is 262,", refused.Message, StringComparison.Ordinal);
        Assert.Contains("EventBridge takes at most 262,144", refused.Message, StringComparison.Ordinal);
        Assert.Empty(_server.Requests);
    }

    [Fact]
    public void EntrySize_CountsAsEventBridgeDoes()
    {
        var entry = new PutEventsRequestEntry("orders", "order.placed", """{"k":"é"}""", "default", 0, ["r1", "r22"]);

        Assert.Equal(14 + 6 + 12 + 10 + 2 + 3, EventBridgePublisher.EntrySize(entry));
    }

    [Fact]
    public async Task PublishAsync_ThrottledEntry_IsPutAgainAloneAndTheIdsMerged()
    {
        _answers.Enqueue(_ => Json(200, """{"FailedEntryCount":1,"Entries":[{"EventId":"first"},{"ErrorCode":"ThrottlingException","ErrorMessage":"Rate exceeded."},{"EventId":"third"}]}"""));
        _answers.Enqueue(_ => Json(200, """{"FailedEntryCount":0,"Entries":[{"EventId":"second"}]}"""));
        using var publisher = Publisher();

        var ids = await publisher.PublishAsync([Event(id: "a"), Event("""{"n": 2}""", "b"), Event(id: "c")]);

        Assert.Equal(["first", "second", "third"], ids);
        Assert.Equal("""{"n": 2}""", Assert.Single(Entries(_server.Requests[1])).GetProperty("Detail").GetString());
    }

    [Fact]
    public async Task PublishAsync_EntryRefusedForGood_FailsWithWhatBecameOfEachEventAndIsNotRetried()
    {
        _answers.Enqueue(_ => Json(200, """{"FailedEntryCount":1,"Entries":[{"EventId":"first"},{"ErrorCode":"NotAuthorizedForSourceException","ErrorMessage":"Not authorized for the source."}]}"""));
        using var publisher = Publisher();

        var failed = await Assert.ThrowsAsync<EventBridgePublishException>(() => publisher.PublishAsync([Event(id: "a"), Event(id: "b")]).AsTask());

        Assert.Equal("EventBridge refused 1 of the events: event 1 with NotAuthorizedForSourceException: Not authorized for the source.", failed.Message);
        Assert.Equal(["first", null], failed.Entries.Select(e => e.EventId));
        Assert.Single(_server.Requests);
        Assert.False(TransientFaults.IsTransient(failed));
    }

    [Fact]
    public async Task PublishAsync_ThrottledPastTheRetries_FailsNamingTheCode()
    {
        for (var i = 0; i < 3; i++)
        {
            _answers.Enqueue(_ => Json(200, """{"FailedEntryCount":1,"Entries":[{"ErrorCode":"InternalFailure","ErrorMessage":"Internal error."}]}"""));
        }

        using var publisher = Publisher(maxEntryRetries: 2);

        var failed = await Assert.ThrowsAsync<EventBridgePublishException>(() => publisher.PublishAsync(Event()).AsTask());

        Assert.Equal("EventBridge still refused 1 of the events after 2 retries: event 0 with InternalFailure: Internal error.", failed.Message);
        Assert.Equal(3, _server.Requests.Count);
    }

    [Theory]
    [InlineData(400, """{"__type":"ThrottlingException","message":"Rate exceeded"}""", true)]
    [InlineData(500, """{"__type":"InternalException","message":"Internal failure"}""", true)]
    [InlineData(503, "Service Unavailable", true)]
    [InlineData(400, """{"__type":"com.amazon.coral.service#AccessDeniedException","Message":"not authorized to perform: events:PutEvents"}""", false)]
    [InlineData(400, """{"__type":"ResourceNotFoundException","message":"Event bus orders-bus does not exist."}""", false)]
    public async Task PublishAsync_RequestRefusedAsAWhole_IsTransientOnlyForThrottlingAndServerFaults(int status, string body, bool transient)
    {
        _answers.Enqueue(_ => new RecordedResponse(status, "application/x-amz-json-1.1", body));
        using var publisher = Publisher();

        var failed = await Assert.ThrowsAnyAsync<Exception>(() => publisher.PublishAsync(Event()).AsTask());

        Assert.Equal(transient, failed is TransientException);
        Assert.Equal(transient, TransientFaults.IsTransient(failed));
        Assert.StartsWith($"EventBridge answered PutEvents with {status} ", failed.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task PublishAsync_RequestFailsAfterSomeEventsWereTaken_IsNotTransient()
    {
        _answers.Enqueue(_ => Json(200, """{"FailedEntryCount":1,"Entries":[{"EventId":"first"},{"ErrorCode":"ThrottlingException","ErrorMessage":"Rate exceeded."}]}"""));
        _answers.Enqueue(_ => new RecordedResponse(500, "application/x-amz-json-1.1", """{"__type":"InternalException","message":"boom"}"""));
        using var publisher = Publisher();

        var failed = await Assert.ThrowsAsync<EventBridgePublishException>(() => publisher.PublishAsync([Event(id: "a"), Event(id: "b")]).AsTask());

        Assert.StartsWith("EventBridge failed a PutEvents request after it had taken some of the events", failed.Message, StringComparison.Ordinal);
        Assert.Equal("first", failed.Entries[0].EventId);
        Assert.IsType<TransientException>(failed.InnerException);
    }

    [Fact]
    public async Task PublishAsync_NothingListening_IsTransient()
    {
        using var publisher = new EventBridgePublisher(new EventBridgePublisherOptions
        {
            ServiceUrl = new Uri($"http://127.0.0.1:{Portable.TestKit.FreePort.Next()}/"),
            Credentials = new BasicAWSCredentials("AKIDEXAMPLE", "secret"),
        }, _clock);

        var failed = await Assert.ThrowsAsync<TransientException>(() => publisher.PublishAsync(Event()).AsTask());

        Assert.StartsWith("PutEvents to http://127.0.0.1:", failed.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Options_FromTheEnvironment_ReadBusEndpointRegionAndCredentials()
    {
        var settings = new HostSettings(name => name switch
        {
            "PORTABLE_EVENTBRIDGE_BUS" => "orders-bus",
            "AWS_ENDPOINT_URL_EVENTBRIDGE" => "http://127.0.0.1:4010",
            "AWS_REGION" => "eu-west-1",
            "AWS_ACCESS_KEY_ID" => "ASIAEXAMPLE",
            "AWS_SECRET_ACCESS_KEY" => "secret",
            "AWS_SESSION_TOKEN" => "token",
            _ => null,
        });

        var options = EventBridgePublisherOptions.From(settings);

        Assert.Equal("orders-bus", options.BusName);
        Assert.Equal(new Uri("http://127.0.0.1:4010"), options.Endpoint);
        Assert.Equal("eu-west-1", options.SigningRegion);
        var credentials = options.Credentials!.GetCredentials();
        Assert.Equal(("ASIAEXAMPLE", "token"), (credentials.AccessKey, credentials.Token));
    }

    [Fact]
    public void Options_Defaults_TheDefaultBusOnTheRegionalEndpoint()
    {
        var options = EventBridgePublisherOptions.From(new HostSettings(name => name == "AWS_REGION" ? "ap-southeast-2" : null));

        Assert.Equal("default", options.BusName);
        Assert.Equal(new Uri("https://events.ap-southeast-2.amazonaws.com/"), options.Endpoint);
        Assert.Null(options.Credentials);
        Assert.Equal(EventBridgePublisher.MaxEntryBytes, options.MaxEntryBytes);
    }

    [Theory]
    [InlineData("PORTABLE_EVENTBRIDGE_ENDPOINT", "not a url")]
    [InlineData("AWS_ACCESS_KEY_ID", "AKIDONLY")]
    public void Options_BadSettings_AreRefusedNamingTheVariable(string variable, string value)
    {
        var refused = Assert.Throws<SettingsException>(() => EventBridgePublisherOptions.From(new HostSettings(name => name == variable ? value : null)));

        Assert.Contains(variable, refused.Message, StringComparison.Ordinal);
    }
}
