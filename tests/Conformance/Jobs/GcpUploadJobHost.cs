using System.Globalization;
using System.Net.Http.Headers;
using System.Text.Json;
using System.Text;
using Portable.Compare.Apps;
using Portable.Compare.Hosts;
using Portable.Conformance.Hosts;
using Portable.Core.Patterns.Jobs;
using Portable.Core.State;

namespace Portable.Conformance.Jobs;

/// <summary>
/// The upload-started job on Google Cloud (<see cref="GcpAppUnderTest"/>: one Cloud Run service serving
/// <c>jobs-api</c> and <c>job-chunk-worker</c> behind the push subscription of <c>job-chunks</c>, state in PostgreSQL)
/// with Cloud Storage on a loopback JSON API (<see cref="CloudStorageRecorder"/>, reached through
/// <c>STORAGE_EMULATOR_HOST</c>). The upload is a real simple media upload; its answer, the object resource, is the
/// data of the <c>google.cloud.storage.object.v1.finalized</c> CloudEvent Eventarc delivers in binary content mode
/// (context attributes as <c>ce-</c> headers, https://cloud.google.com/eventarc/docs/cloudevents), POSTed to the
/// service's <c>/job-upload-starter</c>, then POSTed again byte for byte (same <c>ce-id</c>) as Eventarc's
/// at-least-once delivery may. A delivery is settled when the service answered it.
/// </summary>
internal sealed class GcpUploadJobHost : IUploadJobHost
{
    private readonly GcpAppUnderTest _app;
    private readonly CloudStorageRecorder _storage;
    private readonly HttpClient _uploads;
    private (Dictionary<string, string> Headers, byte[] Data)? _event;

    private GcpUploadJobHost(GcpAppUnderTest app, CloudStorageRecorder storage)
    {
        _app = app;
        _storage = storage;
        _uploads = new HttpClient(new SocketsHttpHandler { UseProxy = false }) { BaseAddress = new Uri($"http://{storage.Host}"), Timeout = HostDefaults.RequestTimeout };
    }

    public string Name => "gcp";

    public string Wiring => $"simple upload to the loopback Cloud Storage JSON API (STORAGE_EMULATOR_HOST), its finalized CloudEvent (binary mode) POSTed to /{JobUploadStarter.FunctionName} of the Cloud Run service, which downloads the object ({_storage.Downloads.Count} downloads); job-chunk-worker behind the Pub/Sub push of {JobChunkWorker.Queue}, state in PostgreSQL";

    public HttpClient Jobs => _app.Client;

    public IStateStore Store => _app.Store;

    public string Output => _app.Output;

    /// <summary>Starts the loopback Cloud Storage, PostgreSQL, then the service (pointed at both) and its push subscription with <paramref name="pushes"/> pushes in flight at most.</summary>
    public static async Task<IUploadJobHost> StartAsync(int pushes)
    {
        var storage = await CloudStorageRecorder.StartAsync();
        try
        {
            var app = await GcpAppUnderTest.StartAsync(
                JobChunkWorker.Queue,
                JobChunkWorker.FunctionName,
                pushes,
                environment: new Dictionary<string, string?>(StringComparer.Ordinal) { ["STORAGE_EMULATOR_HOST"] = storage.Host });
            return new GcpUploadJobHost(app, storage);
        }
        catch
        {
            await storage.DisposeAsync();
            throw;
        }
    }

    public async Task<string> UploadAsync(string key, byte[] content)
    {
        using var body = new ByteArrayContent(content);
        body.Headers.ContentType = new MediaTypeHeaderValue("text/csv");
        using var uploaded = await _uploads.PostAsync(new Uri($"{CloudStorageRecorder.UploadPath}{JobUploadStarter.Bucket}/o?uploadType=media&name={Uri.EscapeDataString(key)}", UriKind.Relative), body);
        var resource = await uploaded.Content.ReadAsStringAsync();
        Check(uploaded.IsSuccessStatusCode, $"the upload answered {(int)uploaded.StatusCode}: {resource}");

        using var json = JsonDocument.Parse(resource);
        var root = json.RootElement;
        var name = root.GetProperty("name").GetString()!;
        var generation = root.GetProperty("generation").GetString()!;

        // Eventarc's Cloud Storage event: source the bucket, subject objects/{name}, the object resource as data
        // (google-cloudevents storage/v1 StorageObjectData; the sample gcp-cloudevent-storage-finalized.json).
        _event = (new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["ce-specversion"] = "1.0",
            ["ce-id"] = generation[^10..] + "0001",
            ["ce-source"] = $"//storage.googleapis.com/projects/_/buckets/{JobUploadStarter.Bucket}",
            ["ce-type"] = "google.cloud.storage.object.v1.finalized",
            ["ce-subject"] = $"objects/{name}",
            ["ce-time"] = root.GetProperty("timeCreated").GetString()!,
        }, Encoding.UTF8.GetBytes(resource));
        return await DeliverAsync();
    }

    public Task<string> DeliverAgainAsync() => DeliverAsync();

    public Task<bool> IsIdleAsync() => Task.FromResult(_app.IsQueueIdle);

    public Task<int> DeadLetterCountAsync() => Task.FromResult(_app.DeadLetterCount);

    public void ThrowIfBroken() => _app.ThrowIfBroken();

    public async ValueTask DisposeAsync()
    {
        _uploads.Dispose();
        await _app.DisposeAsync();
        await _storage.DisposeAsync();
    }

    private async Task<string> DeliverAsync()
    {
        var (headers, data) = _event ?? throw new InvalidOperationException("Nothing was uploaded yet.");
        using var request = new HttpRequestMessage(HttpMethod.Post, new Uri($"/{JobUploadStarter.FunctionName}", UriKind.Relative));
        request.Content = new ByteArrayContent(data);
        request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json") { CharSet = "utf-8" };
        foreach (var (name, value) in headers)
        {
            request.Headers.TryAddWithoutValidation(name, value);
        }

        using var response = await _app.Client.SendAsync(request);
        var text = await response.Content.ReadAsStringAsync();
        Check(response.IsSuccessStatusCode, $"POST /{JobUploadStarter.FunctionName} answered {(int)response.StatusCode}: {text}");
        return string.Create(CultureInfo.InvariantCulture, $"{(int)response.StatusCode} {text}");
    }

    private void Check(bool condition, string detail)
    {
        if (!condition)
        {
            throw new Xunit.Sdk.XunitException($"[gcp] {detail}\n{CsvJobScenario.Tail(Output)}");
        }
    }
}
