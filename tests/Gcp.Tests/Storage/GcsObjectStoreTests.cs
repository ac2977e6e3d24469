using System.Net;
using System.Net.Http.Headers;
using System.Text;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using Portable.Core.Functions;
using Portable.Core.Messaging;
using Portable.Core.Resilience;
using Portable.Core.Settings;
using Portable.Core.Storage;
using Portable.Gcp.Messaging;
using Portable.Gcp.Storage;
using Portable.Compare.Hosts;

namespace Portable.Gcp.Tests.Storage;

/// <summary>
/// The Cloud Storage object store against a loopback recorder checked against the documented request shape
/// (cloud.google.com/storage/docs/json_api/v1/objects/get; request-endpoints#encoding): the media download URL with the
/// object name percent-encoded as one segment, the generation, the metadata server's bearer token; and what it makes
/// of the answers. Then a finalized event read through the store by a storage function on a composed Cloud Run host.
/// </summary>
public sealed class GcsObjectStoreTests : IAsyncLifetime
{
    private const string Csv = "category,amount\nbooks,12.50\n";
    private CloudStorageRecorder _recorder = null!;
    private HttpClient _http = null!;
    private MetadataServer _metadata = null!;

    public async Task InitializeAsync()
    {
        _recorder = await CloudStorageRecorder.StartAsync();
        _http = new HttpClient(new SocketsHttpHandler { UseProxy = false });
        _metadata = new MetadataServer(_http, new FakeTimeProvider(DateTimeOffset.UnixEpoch), _recorder.Host);
    }

    public async Task DisposeAsync()
    {
        _metadata.Dispose();
        _http.Dispose();
        await _recorder.DisposeAsync();
    }

    // Production-shaped (authenticated) but aimed at the recorder.
    private GcsObjectStore Store(bool authenticate = true) =>
        new(_http, new GcsObjectStoreOptions { Endpoint = new Uri($"http://{_recorder.Host}/"), Authenticate = authenticate }, _metadata);

    private void Serve(string target, int status = 200, string contentType = "text/csv", string body = Csv, Dictionary<string, string>? headers = null) =>
        _recorder.Objects[target] = (status, contentType, body, headers ?? []);

    [Fact]
    public async Task OpenReadAsync_NameWithSlashesAndSpaces_AtAGeneration_SendsTheDocumentedRequestAndStreamsTheContent()
    {
        const string target = "/storage/v1/b/my-bucket/o/uploads%2F2026%20march%2Fdata%20file.csv?alt=media&generation=1700000000000001";
        Serve(target, headers: new() { ["ETag"] = "\"CNHZkbuF/ugCEAE=\"", ["x-goog-generation"] = "1700000000000001" });

        await using var stored = await Store().OpenReadAsync("my-bucket", "uploads/2026 march/data file.csv", "1700000000000001");
        using var reader = new StreamReader(stored.Content);

        Assert.Equal(Csv, await reader.ReadToEndAsync());
        var (rawTarget, authorization) = Assert.Single(_recorder.Downloads);
        Assert.Equal(target, rawTarget);
        Assert.Equal($"Bearer {CloudStorageRecorder.Token}", authorization);
        Assert.Equal(("text/csv", (long?)Encoding.UTF8.GetByteCount(Csv), "CNHZkbuF/ugCEAE=", "1700000000000001"), (stored.ContentType, stored.Length, stored.ETag, stored.Version));
    }

    [Fact]
    public async Task OpenReadAsync_Latest_AsksWithoutGeneration_AndTakesTheServedOneFromXGoogGeneration_ReusingTheToken()
    {
        Serve("/storage/v1/b/b1/o/report.json?alt=media", contentType: "application/json", body: "{}", headers: new() { ["x-goog-generation"] = "42" });

        await using (var first = await Store().OpenReadAsync("b1", "report.json"))
        {
            Assert.Equal("42", first.Version);
        }

        await using (var second = await Store().OpenReadAsync("b1", "report.json"))
        {
            Assert.Equal("42", second.Version);
        }

        Assert.Equal(2, _recorder.Downloads.Count);
        Assert.Equal(1, _recorder.TokensIssued); // cached until a minute before expires_in
    }

    [Fact]
    public async Task OpenReadAsync_404_IsObjectNotFound_NamingTheObject()
    {
        var ex = await Assert.ThrowsAsync<ObjectNotFoundException>(async () => await Store().OpenReadAsync("my-bucket", "gone.csv", "7"));

        Assert.Equal(("my-bucket", "gone.csv", "7"), (ex.Bucket, ex.Key, ex.Version));
    }

    [Fact]
    public async Task OpenReadAsync_403_IsAnHttpRequestExceptionWithGooglesReason_NotRetried()
    {
        Serve("/storage/v1/b/locked/o/a.csv?alt=media", 403, "application/json", """{"error":{"code":403,"message":"sa@p.iam does not have storage.objects.get access.","status":"PERMISSION_DENIED"}}""");

        var ex = await Assert.ThrowsAsync<HttpRequestException>(async () => await Store().OpenReadAsync("locked", "a.csv"));

        Assert.Equal(HttpStatusCode.Forbidden, ex.StatusCode);
        Assert.Contains("gs://locked/a.csv", ex.Message, StringComparison.Ordinal);
        Assert.Contains("PERMISSION_DENIED: sa@p.iam does not have storage.objects.get access.", ex.Message, StringComparison.Ordinal);
        Assert.False(TransientFaults.IsTransient(ex));
    }

    [Fact]
    public async Task OpenReadAsync_503_IsTransientForTheResiliencePipeline()
    {
        Serve("/storage/v1/b/busy/o/a.csv?alt=media", 503, "text/plain", "backend unavailable");

        var ex = await Assert.ThrowsAsync<HttpRequestException>(async () => await Store().OpenReadAsync("busy", "a.csv"));

        Assert.Equal(HttpStatusCode.ServiceUnavailable, ex.StatusCode);
        Assert.True(TransientFaults.IsTransient(ex));
    }

    [Fact]
    public async Task OpenReadAsync_VersionThatIsNoGeneration_RefusedBeforeAnyRequest()
    {
        await Assert.ThrowsAsync<ArgumentException>(async () => await Store().OpenReadAsync("b", "k", "v1-etag"));

        Assert.Empty(_recorder.Downloads);
    }

    [Fact]
    public async Task OpenReadAsync_Emulator_SendsNoCredentials()
    {
        Serve("/storage/v1/b/b/o/k?alt=media");

        await using var stored = await Store(authenticate: false).OpenReadAsync("b", "k");

        Assert.Null(Assert.Single(_recorder.Downloads).Authorization);
        Assert.Equal(0, _recorder.TokensIssued);
    }

    [Theory]
    [InlineData("localhost:9023", "http://localhost:9023/")]
    [InlineData("http://127.0.0.1:4443", "http://127.0.0.1:4443/")]
    [InlineData("https://gcs.example.test/base/", "https://gcs.example.test/base/")]
    public void Options_StorageEmulatorHost_BothSpellings_PlainEndpointWithoutCredentials(string value, string endpoint)
    {
        var options = GcsObjectStoreOptions.From(new HostSettings(name => name == GcsObjectStoreOptions.EmulatorHostVariable ? value : null));

        Assert.Equal((new Uri(endpoint), false), (options.Endpoint, options.Authenticate));
    }

    [Fact]
    public void Options_Unset_IsGooglesEndpointWithTokens()
    {
        var options = GcsObjectStoreOptions.From(new HostSettings(_ => null));

        Assert.Equal((new Uri("https://storage.googleapis.com/"), true), (options.Endpoint, options.Authenticate));
    }

    [Theory]
    [InlineData("ftp://host:21")]
    [InlineData("http://host:1/?x=1")]
    public void Options_UnusableEmulatorHost_StopsTheStartNamingTheVariable(string value)
    {
        var ex = Assert.Throws<SettingsException>(() => GcsObjectStoreOptions.From(new HostSettings(name => name == GcsObjectStoreOptions.EmulatorHostVariable ? value : null)));

        Assert.Contains(GcsObjectStoreOptions.EmulatorHostVariable, ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task FinalizedEvent_OnACloudRunHost_TheStorageFunctionReadsTheObjectThroughCloudStorage()
    {
        Serve("/storage/v1/b/uploads/o/incoming%2Fq1%20sales.csv?alt=media&generation=1700000000000002", headers: new() { ["x-goog-generation"] = "1700000000000002" });
        var read = new List<(string Key, string? Version, string Content)>();
        var manifest = new FunctionManifestBuilder()
            .AddStorageFunction("csv-import", "uploads", services =>
            {
                var store = services.GetRequiredService<IObjectStore>();
                return async (created, context, ct) =>
                {
                    await using var stored = await store.OpenReadAsync(created.Bucket, created.Key, created.Version, ct);
                    using var reader = new StreamReader(stored.Content);
                    var content = await reader.ReadToEndAsync(ct);
                    lock (read)
                    {
                        read.Add((created.Key, stored.Version, content));
                    }

                    return MessageResult.Success;
                };
            }, prefix: "incoming/", suffix: ".csv")
            .Build();
        await using var host = await ComposedCloudRunHost.StartAsync(new FunctionApp(manifest), new Dictionary<string, string>
        {
            [GcsObjectStoreOptions.EmulatorHostVariable] = _recorder.Host,
            ["GOOGLE_CLOUD_PROJECT"] = "local-project",
        });
        const string data = """
            {"bucket":"uploads","name":"incoming/q1 sales.csv","generation":"1700000000000002","metageneration":"1","size":"28",
             "contentType":"text/csv","etag":"CJ7n5rKF/ugCEAE=","timeCreated":"2026-03-01T12:00:00.000Z"}
            """;

        async Task<HttpStatusCode> DeliverAsync()
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, "/csv-import") { Content = new StringContent(data, Encoding.UTF8, new MediaTypeHeaderValue("application/json")) };
            request.Headers.Add("ce-specversion", "1.0");
            request.Headers.Add("ce-id", "storage-evt-1");
            request.Headers.Add("ce-type", "google.cloud.storage.object.v1.finalized");
            request.Headers.Add("ce-source", "//storage.googleapis.com/projects/_/buckets/uploads");
            request.Headers.Add("ce-subject", "objects/incoming/q1 sales.csv");
            request.Headers.Add("ce-time", "2026-03-01T12:00:00.100Z");
            using var response = await host.Client.SendAsync(request);
            return response.StatusCode;
        }

        Assert.Equal(HttpStatusCode.NoContent, await DeliverAsync());
        Assert.Equal(HttpStatusCode.NoContent, await DeliverAsync()); // Eventarc redelivers: the same generation runs once

        Assert.Equal([("incoming/q1 sales.csv", (string?)"1700000000000002", Csv)], read);
        var (target, authorization) = Assert.Single(_recorder.Downloads);
        Assert.Equal("/storage/v1/b/uploads/o/incoming%2Fq1%20sales.csv?alt=media&generation=1700000000000002", target);
        Assert.Null(authorization); // STORAGE_EMULATOR_HOST: no credentials
    }
}
