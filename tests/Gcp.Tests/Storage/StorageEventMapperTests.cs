using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.Logging.Abstractions;
using Portable.Core.Functions;
using Portable.Core.Messaging;
using Portable.Core.Storage;
using Portable.Gcp.Http;
using Portable.Gcp.Triggers;
using Portable.Testing;
using Portable.TestKit;

namespace Portable.Gcp.Tests.Storage;

/// <summary>
/// Storage functions on Cloud Run, over HTTP through the host's own request path (<see cref="CloudRunRequest"/>, the
/// endpoints <see cref="CloudRunTriggerMapper.Default"/> chooses): Eventarc's finalized CloudEvents (structured and
/// binary) and the legacy background event reach the handler as <see cref="ObjectCreated"/>; redeliveries of one
/// generation run once; the status is what Eventarc reads to redeliver.
/// </summary>
public sealed class StorageEventMapperTests : IAsyncLifetime
{
    private const string FinalizedType = "google.cloud.storage.object.v1.finalized";

    private readonly List<ObjectCreated> _handled = [];
    private readonly Dictionary<string, int> _attempts = new(StringComparer.Ordinal);
    private FunctionTestHost? _host;
    private WebApplication? _web;
    private HttpClient? _client;

    private FunctionTestHost Host => _host!;

    private HttpClient Client => _client!;

    public async Task InitializeAsync()
    {
        var manifest = new FunctionManifestBuilder()
            .AddStorageFunction("thumbnails", "some-bucket", Handle)
            .AddStorageFunction("csv-import", "some-bucket", Handle, prefix: "incoming/", suffix: ".csv")
            .Build();
        _host = new FunctionTestHost(manifest, configure: o => o.Host = h => h.Cloud = CloudProvider.Gcp);
        var port = FreePort.Next();
        var builder = WebApplication.CreateEmptyBuilder(new WebApplicationOptions());
        builder.WebHost.UseKestrelCore();
        builder.WebHost.ConfigureKestrel(k => k.Listen(IPAddress.Loopback, port));
        _web = builder.Build();
        var endpoints = CloudRunEndpoints.Choose(manifest, functionTarget: false, CloudRunTriggerMapper.Default).Bind(_host.Services, NullLogger.Instance);
        _web.Run(new CloudRunRequest(endpoints, null, NullLogger.Instance).HandleAsync);
        await _web.StartAsync();
        _client = new HttpClient(new SocketsHttpHandler { UseProxy = false }) { BaseAddress = new Uri($"http://127.0.0.1:{port}") };
    }

    public async Task DisposeAsync()
    {
        _client?.Dispose();
        if (_web is not null)
        {
            await _web.StopAsync();
            await _web.DisposeAsync();
        }

        _host?.Dispose();
    }

    private ValueTask<MessageResult> Handle(ObjectCreated created, FunctionContext context, CancellationToken cancellationToken)
    {
        lock (_handled)
        {
            var attempt = _attempts[created.Key] = _attempts.GetValueOrDefault(created.Key) + 1;
            if (created.Key.Contains("poison", StringComparison.Ordinal))
            {
                throw new PermanentFailureException($"{created.Key} is not an image");
            }

            if (created.Key.Contains("flaky", StringComparison.Ordinal) && attempt == 1)
            {
                throw new InvalidOperationException("thumbnail service unavailable");
            }

            _handled.Add(created);
        }

        return ValueTask.FromResult(MessageResult.Success);
    }

    /// <summary>A structured-mode finalized event for <paramref name="name"/> in some-bucket.</summary>
    private static string Finalized(string name, string generation = "1700000000000001", string type = FinalizedType, string id = "evt-1") =>
        new JsonObject
        {
            ["specversion"] = "1.0",
            ["type"] = type,
            ["source"] = "//storage.googleapis.com/projects/_/buckets/some-bucket",
            ["subject"] = "objects/" + name,
            ["id"] = id,
            ["time"] = "2026-12-01T12:00:00.000Z",
            ["datacontenttype"] = "application/json",
            ["data"] = new JsonObject
            {
                ["bucket"] = "some-bucket",
                ["name"] = name,
                ["generation"] = generation,
                ["metageneration"] = "1",
                ["etag"] = "CNHZkbuF/ugCEAE=",
                ["size"] = "42",
                ["contentType"] = "image/png",
                ["timeCreated"] = "2026-12-01T11:59:59.500Z",
            },
        }.ToJsonString();

    private async Task<(HttpStatusCode Status, string Body)> PostStructuredAsync(string function, string json)
    {
        using var response = await Client.PostAsync("/" + function, new StringContent(json, Encoding.UTF8, new MediaTypeHeaderValue("application/cloudevents+json")));
        return (response.StatusCode, await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task StructuredMode_SharedSample_ReachesTheHandler_As204()
    {
        var (status, body) = await PostStructuredAsync("thumbnails", RepoPaths.ReadSample("gcp-cloudevent-storage-finalized.json"));

        Assert.True(status == HttpStatusCode.NoContent, body);
        var created = Assert.Single(_handled);
        Assert.Equal(CloudProvider.Gcp, created.Cloud);
        Assert.Equal(("some-bucket", "folder/Test.cs", "1587627537231057"), (created.Bucket, created.Key, created.Version));
        Assert.Equal(("CNHZkbuF/ugCEAE=", 352L, "text/plain"), (created.ETag, created.Size, created.ContentType));
        Assert.Equal(new DateTimeOffset(2020, 4, 23, 7, 38, 57, 230, TimeSpan.Zero), created.EventTime);
        Assert.Equal("some-bucket/folder/Test.cs#v:1587627537231057", created.DeduplicationKey);
    }

    [Fact]
    public async Task BinaryMode_SharedSampleBody_WithEventarcHeaders_ReachesTheHandler()
    {
        var data = RepoPaths.ReadSample("gcp-cloudevent-storage-data-only-binary-mode-body.json");
        using var request = new HttpRequestMessage(HttpMethod.Post, "/thumbnails") { Content = new StringContent(data, Encoding.UTF8, new MediaTypeHeaderValue("application/json")) };
        request.Headers.Add("ce-specversion", "1.0");
        request.Headers.Add("ce-id", "1234567890");
        request.Headers.Add("ce-source", "//storage.googleapis.com/projects/_/buckets/sample-bucket");
        request.Headers.Add("ce-type", FinalizedType);
        request.Headers.Add("ce-subject", "objects/MyFile");
        request.Headers.Add("ce-time", "2020-05-18T09:07:51.799Z");
        request.Headers.Add("ce-bucket", "sample-bucket");

        using var response = await Client.SendAsync(request);

        Assert.True(response.StatusCode == HttpStatusCode.NoContent, await response.Content.ReadAsStringAsync());
        var created = Assert.Single(_handled);
        Assert.Equal(("sample-bucket", "MyFile", "96883251"), (created.Bucket, created.Key, created.Version));
        Assert.Equal(("COu8mb3Dn+kCEAE=", 0L, "text/plain"), (created.ETag, created.Size, created.ContentType));
        Assert.Equal(new DateTimeOffset(2020, 5, 6, 15, 14, 15, 917, TimeSpan.Zero), created.EventTime);
    }

    [Fact]
    public async Task LegacyFinalize_BackgroundEvent_ReachesTheHandler()
    {
        var legacy = """
            {"context":{"eventId":"legacy-1","timestamp":"2026-12-01T12:00:00.000Z","eventType":"google.storage.object.finalize",
             "resource":{"service":"storage.googleapis.com","name":"projects/_/buckets/some-bucket/objects/photos/cat.png","type":"storage#object"}},
             "data":{"bucket":"some-bucket","name":"photos/cat.png","generation":"77","metageneration":"1","size":"9","contentType":"image/png","timeCreated":"2026-12-01T11:59:00.000Z"}}
            """;

        using var response = await Client.PostAsync("/thumbnails", new StringContent(legacy, Encoding.UTF8, new MediaTypeHeaderValue("application/json")));

        Assert.True(response.StatusCode == HttpStatusCode.NoContent, await response.Content.ReadAsStringAsync());
        var created = Assert.Single(_handled);
        Assert.Equal(("some-bucket", "photos/cat.png", "77", 9L), (created.Bucket, created.Key, created.Version, created.Size));
    }

    [Fact]
    public async Task SameEventDeliveredThreeTimes_RunsTheHandlerOnce_AndEachIs204()
    {
        var json = Finalized("photos/dog.png");

        var statuses = new List<HttpStatusCode>();
        for (var i = 0; i < 3; i++)
        {
            statuses.Add((await PostStructuredAsync("thumbnails", json)).Status);
        }

        Assert.All(statuses, s => Assert.Equal(HttpStatusCode.NoContent, s));
        Assert.Equal("photos/dog.png", Assert.Single(_handled).Key);
        Assert.Equal(1, _attempts["photos/dog.png"]);
    }

    [Fact]
    public async Task NewGeneration_OfTheSameName_RunsAgain()
    {
        await PostStructuredAsync("thumbnails", Finalized("photos/dog.png", generation: "1"));
        await PostStructuredAsync("thumbnails", Finalized("photos/dog.png", generation: "2", id: "evt-2"));

        Assert.Equal(["1", "2"], _handled.Select(c => c.Version));
    }

    [Fact]
    public async Task SuffixFilter_NonMatchingObject_IsSkippedWith204()
    {
        var (skipped, _) = await PostStructuredAsync("csv-import", Finalized("incoming/report.xlsx"));
        var (matched, _) = await PostStructuredAsync("csv-import", Finalized("incoming/report.csv", id: "evt-2"));

        Assert.Equal(HttpStatusCode.NoContent, skipped);
        Assert.Equal(HttpStatusCode.NoContent, matched);
        Assert.Equal("incoming/report.csv", Assert.Single(_handled).Key);
        Assert.False(_attempts.ContainsKey("incoming/report.xlsx"));
    }

    [Fact]
    public async Task HandlerThrows_500SoEventarcRedelivers_ThenTheRedeliverySucceeds()
    {
        var json = Finalized("photos/flaky.png");

        var (first, body) = await PostStructuredAsync("thumbnails", json);
        Assert.Empty(_handled);
        var (second, _) = await PostStructuredAsync("thumbnails", json);

        Assert.Equal(HttpStatusCode.InternalServerError, first);
        using var error = JsonDocument.Parse(body);
        Assert.Contains("thumbnail service unavailable", error.RootElement.GetProperty("error").GetString(), StringComparison.Ordinal);
        Assert.Equal("evt-1", error.RootElement.GetProperty("details").GetProperty("id").GetString());
        Assert.Equal(HttpStatusCode.NoContent, second);
        Assert.Equal("photos/flaky.png", Assert.Single(_handled).Key);
        Assert.Equal(2, _attempts["photos/flaky.png"]);
        Assert.Empty(Host.DeadLetters.Received);
    }

    [Fact]
    public async Task PermanentFailure_IsDeadLettered_And204SoEventarcStops()
    {
        var (status, _) = await PostStructuredAsync("thumbnails", Finalized("photos/poison.png", generation: "5"));

        Assert.Equal(HttpStatusCode.NoContent, status);
        Assert.Empty(_handled);
        var (message, reason) = Assert.Single(Host.DeadLetters.Received);
        Assert.Equal(("some-bucket/photos/poison.png#v:5", "thumbnails"), (message.Id, message.Source));
        Assert.Equal("photos/poison.png", message.Attributes["key"]);
        Assert.Contains("is not an image", reason, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("google.cloud.storage.object.v1.deleted")]
    [InlineData("google.cloud.storage.object.v1.archived")]
    [InlineData("google.cloud.storage.object.v1.metadataUpdated")]
    public async Task OtherStorageEventType_IsIgnoredWith204(string type)
    {
        var (status, _) = await PostStructuredAsync("thumbnails", Finalized("photos/gone.png", type: type));

        Assert.Equal(HttpStatusCode.NoContent, status);
        Assert.Empty(_attempts);
    }

    [Theory]
    [InlineData("{not json")]
    [InlineData("""{"specversion":"1.0","type":"google.cloud.storage.object.v1.finalized","source":"//storage.googleapis.com/projects/_/buckets/b"}""")]
    [InlineData("""{"specversion":"1.0","id":"x","type":"google.cloud.storage.object.v1.finalized","source":"//storage.googleapis.com/projects/_/buckets/b","datacontenttype":"application/json","data":{"bucket":"b","name":"n"}}""")]
    [InlineData("""{"specversion":"1.0","id":"x","type":"google.cloud.pubsub.topic.v1.messagePublished","source":"//pubsub.googleapis.com/projects/p/topics/t","datacontenttype":"application/json","data":{"message":{"data":"eA=="}}}""")]
    public async Task Malformed_OrAnotherEventType_Is400WithAJsonError(string json)
    {
        var (status, body) = await PostStructuredAsync("thumbnails", json);

        Assert.Equal(HttpStatusCode.BadRequest, status);
        using var error = JsonDocument.Parse(body);
        Assert.False(string.IsNullOrEmpty(error.RootElement.GetProperty("error").GetString()));
        Assert.Empty(_attempts);
    }

    [Fact]
    public async Task Get_Is405()
    {
        using var response = await Client.GetAsync("/thumbnails");

        Assert.Equal(HttpStatusCode.MethodNotAllowed, response.StatusCode);
        Assert.Equal("POST", response.Content.Headers.Allow.Single());
    }
}
