using System.Net;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.Time.Testing;
using Portable.Core.Messaging;
using Portable.Core.Settings;
using Portable.Engines;
using Portable.Gcp.Messaging;

namespace Portable.Gcp.Tests.Messaging;

/// <summary>
/// The exact wire requests of the publisher, recorded on a loopback server that plays both Pub/Sub and the metadata
/// server, checked against the REST reference: <c>POST /v1/projects/{p}/topics/{t}:publish</c>,
/// <c>{"messages":[{"data","attributes","orderingKey"}]}</c> → <c>{"messageIds":[…]}</c>; token from
/// <c>GET /computeMetadata/v1/instance/service-accounts/default/token</c> with <c>Metadata-Flavor: Google</c>.
/// </summary>
public sealed class PubSubPublisherTests
{
    private const string TokenPath = "/computeMetadata/v1/instance/service-accounts/default/token";

    [Fact]
    public async Task PublishAsync_WithMetadataToken_SendsTheDocumentedRequest()
    {
        await using var server = new RecordingHttpServer(GoogleResponder(expiresIn: 3599));
        using var fixture = new Fixture(server, authenticate: true);

        var id = await fixture.Publisher.PublishAsync("payments", new OutgoingMessage(
            Encoding.UTF8.GetBytes("{\"paymentId\":\"p1\"}"),
            new Dictionary<string, string> { ["traceparent"] = "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01", [PubSubPublisher.OrderingKeyAttribute] = "acc-1" },
            MessageId: "sender-id"));

        Assert.Equal("msg-1", id);
        var requests = server.Requests;
        Assert.Equal(2, requests.Count);
        var token = requests[0];
        Assert.Equal("GET", token.Method);
        Assert.Equal(TokenPath, token.PathAndQuery);
        Assert.Equal("Google", token.Headers["Metadata-Flavor"]);

        var publish = requests[1];
        Assert.Equal("POST", publish.Method);
        Assert.Equal("/v1/projects/demo-project/topics/payments:publish", publish.PathAndQuery);
        Assert.Equal("Bearer ya29.token-1", publish.Headers["Authorization"]);
        Assert.StartsWith("application/json", publish.Headers["Content-Type"], StringComparison.Ordinal);
        Assert.Equal(publish.Body.Length.ToString(System.Globalization.CultureInfo.InvariantCulture), publish.Headers["Content-Length"]);
        using var body = JsonDocument.Parse(publish.Body);
        var messages = body.RootElement.GetProperty("messages");
        Assert.Equal(1, messages.GetArrayLength());
        var message = messages[0];
        Assert.Equal(["data", "attributes", "orderingKey"], message.EnumerateObject().Select(p => p.Name));
        Assert.Equal("{\"paymentId\":\"p1\"}", Encoding.UTF8.GetString(Convert.FromBase64String(message.GetProperty("data").GetString()!)));
        Assert.Equal("acc-1", message.GetProperty("orderingKey").GetString());
        var attributes = message.GetProperty("attributes");
        Assert.Equal(["traceparent"], attributes.EnumerateObject().Select(p => p.Name));
    }

    [Fact]
    public async Task PublishAsync_AttributesOnlyAndNoOrderingKey_OmitsDataAndOrderingKey()
    {
        await using var server = new RecordingHttpServer(GoogleResponder(expiresIn: 3599));
        using var fixture = new Fixture(server, authenticate: false);

        await fixture.Publisher.PublishAsync("payments", new OutgoingMessage(ReadOnlyMemory<byte>.Empty, new Dictionary<string, string> { ["kind"] = "ping" }));

        using var body = JsonDocument.Parse(server.Requests.Single().Body);
        Assert.Equal("""{"messages":[{"attributes":{"kind":"ping"}}]}""", body.RootElement.GetRawText());
    }

    [Fact]
    public async Task PublishAsync_EmptyMessage_ThrowsBeforeSending()
    {
        await using var server = new RecordingHttpServer(GoogleResponder(expiresIn: 3599));
        using var fixture = new Fixture(server, authenticate: false);

        await Assert.ThrowsAsync<ArgumentException>(() => fixture.Publisher.PublishAsync("payments", new OutgoingMessage(ReadOnlyMemory<byte>.Empty)).AsTask());
        Assert.Empty(server.Requests);
    }

    [Fact]
    public async Task PublishAsync_EmulatorHost_SendsNoAuthorizationAndNeverAsksTheMetadataServer()
    {
        await using var server = new RecordingHttpServer(GoogleResponder(expiresIn: 3599));
        var options = PubSubPublisherOptions.From(new HostSettings(name => name switch
        {
            "PUBSUB_EMULATOR_HOST" => $"127.0.0.1:{server.BaseUri.Port}",
            "GOOGLE_CLOUD_PROJECT" => "local-project",
            _ => null,
        }));
        using var http = new HttpClient();
        using var metadata = new MetadataServer(http, TimeProvider.System, $"127.0.0.1:{server.BaseUri.Port}");
        var publisher = new PubSubPublisher(http, options, metadata);

        await publisher.PublishAsync("payments", new OutgoingMessage("x"u8.ToArray()));

        var request = Assert.Single(server.Requests);
        Assert.Equal("/v1/projects/local-project/topics/payments:publish", request.PathAndQuery);
        Assert.False(request.Headers.ContainsKey("Authorization"));
    }

    [Fact]
    public async Task PublishAsync_FullTopicPath_IsUsedAsGiven()
    {
        await using var server = new RecordingHttpServer(GoogleResponder(expiresIn: 3599));
        using var fixture = new Fixture(server, authenticate: false, projectId: null);

        await fixture.Publisher.PublishAsync("projects/other/topics/audit", new OutgoingMessage("x"u8.ToArray()));

        Assert.Equal("/v1/projects/other/topics/audit:publish", Assert.Single(server.Requests).PathAndQuery);
    }

    [Fact]
    public async Task PublishAsync_NoProjectConfigured_AsksTheMetadataServerOnce()
    {
        await using var server = new RecordingHttpServer(GoogleResponder(expiresIn: 3599));
        using var fixture = new Fixture(server, authenticate: false, projectId: null);

        await fixture.Publisher.PublishAsync("payments", new OutgoingMessage("a"u8.ToArray()));
        await fixture.Publisher.PublishAsync("payments", new OutgoingMessage("b"u8.ToArray()));

        var paths = server.Requests.Select(r => r.PathAndQuery).ToArray();
        Assert.Equal(["/computeMetadata/v1/project/project-id", "/v1/projects/meta-project/topics/payments:publish", "/v1/projects/meta-project/topics/payments:publish"], paths);
        Assert.Equal("Google", server.Requests[0].Headers["Metadata-Flavor"]);
    }

    [Fact]
    public async Task PublishAsync_TokenCachedUntilAMinuteBeforeExpiry_ThenRefreshed()
    {
        await using var server = new RecordingHttpServer(GoogleResponder(expiresIn: 3600));
        var time = new FakeTimeProvider(new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero));
        using var fixture = new Fixture(server, authenticate: true, time: time);
        var message = new OutgoingMessage("x"u8.ToArray());

        await fixture.Publisher.PublishAsync("payments", message);
        time.Advance(TimeSpan.FromSeconds(3600 - 61));
        await fixture.Publisher.PublishAsync("payments", message);
        Assert.Equal(1, server.Requests.Count(r => r.PathAndQuery == TokenPath));

        time.Advance(TimeSpan.FromSeconds(2));
        await fixture.Publisher.PublishAsync("payments", message);

        Assert.Equal(2, server.Requests.Count(r => r.PathAndQuery == TokenPath));
        var auth = server.Requests.Where(r => r.Method == "POST").Select(r => r.Headers["Authorization"]).ToArray();
        Assert.Equal(["Bearer ya29.token-1", "Bearer ya29.token-1", "Bearer ya29.token-2"], auth);
    }

    [Fact]
    public async Task PublishAsync_PubSubRefuses_ThrowsWithGooglesMessage()
    {
        await using var server = new RecordingHttpServer(_ => new RecordedResponse(404, "application/json",
            """{"error":{"code":404,"message":"Resource not found (resource=payments).","status":"NOT_FOUND"}}"""));
        using var fixture = new Fixture(server, authenticate: false);

        var error = await Assert.ThrowsAsync<HttpRequestException>(() => fixture.Publisher.PublishAsync("payments", new OutgoingMessage("x"u8.ToArray())).AsTask());

        Assert.Equal(HttpStatusCode.NotFound, error.StatusCode);
        Assert.Contains("NOT_FOUND: Resource not found (resource=payments).", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task PublishAsync_MetadataServerRefuses_Throws()
    {
        await using var server = new RecordingHttpServer(_ => new RecordedResponse(403, "text/plain", "Missing Metadata-Flavor"));
        using var fixture = new Fixture(server, authenticate: true);

        var error = await Assert.ThrowsAsync<HttpRequestException>(() => fixture.Publisher.PublishAsync("payments", new OutgoingMessage("x"u8.ToArray())).AsTask());

        Assert.Contains("metadata server refused the token request: 403", error.Message, StringComparison.Ordinal);
        Assert.Single(server.Requests);
    }

    [Fact]
    public async Task DeadLetterSink_PermanentFailure_PublishesToTheDeadLetterTopicWithTheReason()
    {
        await using var server = new RecordingHttpServer(GoogleResponder(expiresIn: 3599));
        using var fixture = new Fixture(server, authenticate: false);
        var sink = new PublishingDeadLetterSink(fixture.Publisher, PubSubServiceCollectionExtensions.DeadLetterSuffix);

        await sink.DeadLetterAsync(
            new IncomingMessage { Id = "41", Body = "bad"u8.ToArray(), Source = "payments", DeliveryCount = 2, Attributes = new Dictionary<string, string> { ["origin"] = "test" } },
            "Invalid payment: amount must be greater than 0.");

        var request = Assert.Single(server.Requests);
        Assert.Equal("/v1/projects/demo-project/topics/payments-dead-letter:publish", request.PathAndQuery);
        using var body = JsonDocument.Parse(request.Body);
        var message = body.RootElement.GetProperty("messages")[0];
        Assert.Equal("bad", Encoding.UTF8.GetString(Convert.FromBase64String(message.GetProperty("data").GetString()!)));
        var attributes = message.GetProperty("attributes");
        Assert.Equal("Invalid payment: amount must be greater than 0.", attributes.GetProperty(PublishingDeadLetterSink.ReasonAttribute).GetString());
        Assert.Equal("41", attributes.GetProperty(PublishingDeadLetterSink.OriginalIdAttribute).GetString());
        Assert.Equal("payments", attributes.GetProperty(PublishingDeadLetterSink.SourceAttribute).GetString());
        Assert.Equal("2", attributes.GetProperty(PublishingDeadLetterSink.DeliveryCountAttribute).GetString());
        Assert.Equal("test", attributes.GetProperty("origin").GetString());
    }

    [Fact]
    public void From_Nothing_UsesGoogleWithAuthentication()
    {
        var options = PubSubPublisherOptions.From(new HostSettings(_ => null));

        Assert.Equal(new Uri("https://pubsub.googleapis.com/"), options.Endpoint);
        Assert.True(options.Authenticate);
        Assert.Null(options.ProjectId);
        Assert.Null(options.MetadataHost);
    }

    [Theory]
    [InlineData("localhost:8085", "http://localhost:8085/")]
    [InlineData("127.0.0.1:80", "http://127.0.0.1/")]
    [InlineData("[::1]:8085", "http://[::1]:8085/")]
    public void From_EmulatorHost_PlainHttpWithoutAuthentication(string host, string endpoint)
    {
        var options = PubSubPublisherOptions.From(Env(("PUBSUB_EMULATOR_HOST", host), ("GCE_METADATA_HOST", "127.0.0.1:9"), ("GOOGLE_CLOUD_PROJECT", "local")));

        Assert.Equal(new Uri(endpoint), options.Endpoint);
        Assert.False(options.Authenticate);
        Assert.Equal("127.0.0.1:9", options.MetadataHost);
        Assert.Equal("local", options.ProjectId);
    }

    [Theory]
    [InlineData("http://localhost:8085")]
    [InlineData("localhost")]
    [InlineData("localhost:8085/v1")]
    [InlineData("user@localhost:8085")]
    [InlineData("localhost:port")]
    public void From_EmulatorHostNotHostAndPort_ThrowsNamingTheValue(string host)
    {
        var e = Assert.Throws<SettingsException>(() => PubSubPublisherOptions.From(Env(("PUBSUB_EMULATOR_HOST", host))));

        Assert.Equal($"PUBSUB_EMULATOR_HOST='{host}' is not valid: expected host:port with no scheme or path, e.g. localhost:8085.", e.Message);
    }

    [Theory]
    [InlineData("http://metadata.google.internal")]
    [InlineData("metadata.google.internal/computeMetadata")]
    public void From_MetadataHostNotAHost_ThrowsNamingTheValue(string host)
    {
        var e = Assert.Throws<SettingsException>(() => PubSubPublisherOptions.From(Env(("GCE_METADATA_HOST", host))));

        Assert.Equal(("GCE_METADATA_HOST", host), (e.Variable, e.Value));
    }

    [Fact]
    public void From_MetadataHostWithoutPort_IsRead()
    {
        Assert.Equal("169.254.169.254", PubSubPublisherOptions.From(Env(("GCE_METADATA_HOST", "169.254.169.254"))).MetadataHost);
    }

    [Fact]
    public void From_InvalidProject_ThrowsNamingTheVariable()
    {
        var e = Assert.Throws<SettingsException>(() => PubSubPublisherOptions.From(Env(("GOOGLE_CLOUD_PROJECT", "Demo Project"))));

        Assert.Equal("GOOGLE_CLOUD_PROJECT", e.Variable);
    }

    private static HostSettings Env(params (string Name, string Value)[] variables) =>
        new(name => variables.FirstOrDefault(v => v.Name == name).Value);

    /// <summary>Answers as the metadata server (a new token each time, numbered) and as Pub/Sub (numbered ids).</summary>
    private static Func<RecordedRequest, RecordedResponse> GoogleResponder(int expiresIn)
    {
        var tokens = 0;
        var ids = 0;
        return request => request.PathAndQuery switch
        {
            TokenPath => new RecordedResponse(200, "application/json",
                $$"""{"access_token":"ya29.token-{{Interlocked.Increment(ref tokens)}}","expires_in":{{expiresIn}},"token_type":"Bearer"}"""),
            "/computeMetadata/v1/project/project-id" => new RecordedResponse(200, "application/text", "meta-project"),
            _ when request.PathAndQuery.EndsWith(":publish", StringComparison.Ordinal) =>
                new RecordedResponse(200, "application/json", $$"""{"messageIds":["msg-{{Interlocked.Increment(ref ids)}}"]}"""),
            _ => new RecordedResponse(404, "text/plain", "unexpected " + request.PathAndQuery),
        };
    }

    private sealed class Fixture : IDisposable
    {
        private readonly HttpClient _http = new();
        private readonly MetadataServer _metadata;

        public Fixture(RecordingHttpServer server, bool authenticate, string? projectId = "demo-project", TimeProvider? time = null)
        {
            _metadata = new MetadataServer(_http, time ?? TimeProvider.System, $"127.0.0.1:{server.BaseUri.Port}");
            Publisher = new PubSubPublisher(_http, new PubSubPublisherOptions { Endpoint = server.BaseUri, ProjectId = projectId, Authenticate = authenticate }, _metadata);
        }

        public PubSubPublisher Publisher { get; }

        public void Dispose()
        {
            _metadata.Dispose();
            _http.Dispose();
        }
    }
}
