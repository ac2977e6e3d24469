using System.Net;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Logging;
using Portable.Core.Functions;
using Portable.Core.Messaging;
using Portable.Core.Patterns;
using Portable.Core.Patterns.Jobs;
using Portable.Core.Storage;
using Portable.Local.Storage;
using static Portable.Local.Tests.Queues.LocalQueueEndToEndTests;

namespace Portable.Local.Tests.Storage;

/// <summary>
/// Uploads to the started local host over HTTP: the object stored as a file, its event delivered to the storage
/// functions whose triggers match through the durable queue, with retries, dead letters and redelivery.
/// </summary>
public sealed class LocalUploadTests : IDisposable
{
    private const string Csv = "category,amount\r\nbooks,12.50\r\nfood,3.25\r\nbooks,-0.50\r\nbad,row,here\r\n";

    private readonly string _dataDir = Directory.CreateTempSubdirectory("portable-uploads-").FullName;

    public void Dispose()
    {
        SqliteConnection.ClearAllPools();

        // A stopped host's last SQLite write (its journal) can land while the folder is being deleted: try again.
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                Directory.Delete(_dataDir, recursive: true);
                return;
            }
            catch (IOException) when (attempt < 10)
            {
                Thread.Sleep(100);
            }
        }
    }

    private async Task<(WebApplication App, HttpClient Client)> StartAsync(FunctionApp app, int? maxObjectBytes = null)
    {
        var options = new LocalHostOptions { Port = 0, DataDirectory = _dataDir };
        var host = LocalHost.Build(app, maxObjectBytes is { } max ? options with { MaxObjectBytes = max } : options, l => l.SetMinimumLevel(LogLevel.Critical));
        await host.StartAsync();
        return (host, new HttpClient { BaseAddress = host.BaseAddress() });
    }

    private static async Task<(HttpResponseMessage Response, JsonElement Body)> PutAsync(HttpClient client, string path, string content, string? contentType = "text/csv")
    {
        using var body = new ByteArrayContent(Encoding.UTF8.GetBytes(content));
        if (contentType is not null)
        {
            body.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue(contentType);
        }

        var response = await client.PutAsync(new Uri(path, UriKind.Relative), body);
        var text = await response.Content.ReadAsStringAsync();
        return (response, text.Length > 0 ? JsonDocument.Parse(text).RootElement.Clone() : default);
    }

    private static async Task<(HttpStatusCode Status, JsonElement Body)> PostEventAsync(HttpClient client, string json)
    {
        using var response = await client.PostAsync(new Uri(LocalObjectEndpoints.EventsPath, UriKind.Relative), new StringContent(json, Encoding.UTF8, "application/json"));
        return (response.StatusCode, JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.Clone());
    }

    private static async Task<JsonElement> JsonAsync(HttpClient client, string path) =>
        JsonDocument.Parse(await client.GetStringAsync(new Uri(path, UriKind.Relative))).RootElement.Clone();

    /// <summary>A storage function on <c>uploads</c>, <c>in/</c> … <c>.csv</c>, recording each run; <paramref name="answer"/> decides its result.</summary>
    private static FunctionApp Recording(List<(string Key, int Delivery, string Content)> runs, Func<ObjectCreated, int, MessageResult>? answer = null) =>
        new(new FunctionManifestBuilder()
            .AddStorageFunction("csv-inbox", "uploads", async (created, context, ct) =>
            {
                var store = (IObjectStore)context.Services.GetService(typeof(IObjectStore))!;
                await using var stored = await store.OpenReadAsync(created.Bucket, created.Key, created.Version, ct);
                using var reader = new StreamReader(stored.Content, Encoding.UTF8);
                var content = await reader.ReadToEndAsync(ct);
                lock (runs)
                {
                    runs.Add((created.Key, context.DeliveryCount, content));
                }

                return answer?.Invoke(created, context.DeliveryCount) ?? MessageResult.Success;
            }, prefix: "in/", suffix: ".csv")
            .Build());

    private static int Count(List<(string Key, int Delivery, string Content)> runs)
    {
        lock (runs)
        {
            return runs.Count;
        }
    }

    [Fact]
    public async Task Put_CsvToUploads_201NamingTheStarter_TheJobOfItsEtagCompletesWithExactTotals()
    {
        var (app, client) = await StartAsync(PatternsApp.App);
        await using var _ = app;
        using var __ = client;

        var (response, body) = await PutAsync(client, "/_local/buckets/uploads/reports/march%20sales.csv", Csv);

        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
#pragma warning disable CA5351 // S3's entity tag of a single-part upload, which the local host gives too: not a security use
        var etag = Convert.ToHexStringLower(MD5.HashData(Encoding.UTF8.GetBytes(Csv)));
#pragma warning restore CA5351
        Assert.Equal("uploads", body.GetProperty("bucket").GetString());
        Assert.Equal("reports/march sales.csv", body.GetProperty("key").GetString());
        Assert.Equal(etag, body.GetProperty("eTag").GetString());
        Assert.Equal(Csv.Length, body.GetProperty("size").GetInt64());
        Assert.Equal("text/csv", body.GetProperty("contentType").GetString());
        Assert.Equal([JobUploadStarter.FunctionName], body.GetProperty("functions").EnumerateArray().Select(f => f.GetString()));
        Assert.Equal($"\"{etag}\"", response.Headers.ETag?.Tag);
        Assert.Equal("/_local/buckets/uploads/reports/march%20sales.csv", response.Headers.Location?.OriginalString);
        Assert.Equal(Csv, await File.ReadAllTextAsync(Path.Combine(_dataDir, "objects", "uploads", "reports", "march sales.csv")));

        var id = CsvJobs.JobIdFor($"uploads/reports/march sales.csv#e:{etag}");
        JsonElement job = default;
        await EventuallyAsync(async () =>
        {
            using var answer = await client.GetAsync(new Uri($"/jobs/{id}", UriKind.Relative));
            job = answer.IsSuccessStatusCode ? JsonDocument.Parse(await answer.Content.ReadAsStringAsync()).RootElement.Clone() : default;
            return job.ValueKind == JsonValueKind.Object && job.GetProperty("status").GetString() == "completed";
        }, $"job {id} completed");
        Assert.Equal(3, job.GetProperty("rows").GetInt32());
        Assert.Equal("""{"books":{"count":2,"sum":12.00},"food":{"count":1,"sum":3.25}}""", job.GetProperty("result").GetRawText());
        Assert.Equal(5, Assert.Single(job.GetProperty("rejected").EnumerateArray()).GetProperty("line").GetInt32());
        var depth = await JsonAsync(client, $"/_local/queues/{JobUploadStarter.FunctionName}");
        Assert.Equal((0, 0), (depth.GetProperty("messages").GetInt64(), depth.GetProperty("deadLetters").GetInt64()));
    }

    [Fact]
    public async Task Get_AfterPut_ReadsTheObjectBack_UnknownKeyIs404()
    {
        var (app, client) = await StartAsync(Recording([]));
        await using var _ = app;
        using var __ = client;
        await PutAsync(client, "/_local/buckets/uploads/in/a.csv", Csv);

        Assert.Equal(Csv, await client.GetStringAsync(new Uri("/_local/buckets/uploads/in/a.csv", UriKind.Relative)));
        using var missing = await client.GetAsync(new Uri("/_local/buckets/uploads/in/none.csv", UriKind.Relative));
        Assert.Equal(HttpStatusCode.NotFound, missing.StatusCode);
        Assert.Contains("Object 'in/none.csv' was not found in bucket 'uploads'.", await missing.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Upload_ThenTheSameEventDeliveredTwiceMore_TheFunctionRunsOnce()
    {
        var runs = new List<(string Key, int Delivery, string Content)>();
        var (app, client) = await StartAsync(Recording(runs));
        await using var _ = app;
        using var __ = client;

        var (_, uploaded) = await PutAsync(client, "/_local/buckets/uploads/in/once.csv", Csv);
        for (var i = 0; i < 2; i++)
        {
            var (status, again) = await PostEventAsync(client, uploaded.GetRawText());
            Assert.Equal(HttpStatusCode.Accepted, status);
            Assert.Equal(["csv-inbox"], again.GetProperty("functions").EnumerateArray().Select(f => f.GetString()));
        }

        await EventuallyAsync(async () => (await JsonAsync(client, "/_local/queues/csv-inbox")).GetProperty("messages").GetInt64() == 0, "every delivery settled");
        Assert.Equal([("in/once.csv", 1, Csv)], runs);
    }

    [Fact]
    public async Task Put_KeyOutsideEveryTrigger_StoredAndNoFunctionNamed()
    {
        var runs = new List<(string Key, int Delivery, string Content)>();
        var (app, client) = await StartAsync(Recording(runs));
        await using var _ = app;
        using var __ = client;

        var (response, body) = await PutAsync(client, "/_local/buckets/uploads/in/notes.txt", "hello", contentType: null);
        var (other, otherBody) = await PutAsync(client, "/_local/buckets/archive/in/old.csv", Csv);

        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        Assert.Empty(body.GetProperty("functions").EnumerateArray());
        Assert.False(body.TryGetProperty("contentType", out var type) && type.ValueKind != JsonValueKind.Null);
        Assert.Equal(HttpStatusCode.Created, other.StatusCode); // a bucket no trigger names is only a folder
        Assert.Empty(otherBody.GetProperty("functions").EnumerateArray());
        Assert.True(File.Exists(Path.Combine(_dataDir, "objects", "archive", "in", "old.csv")));
        Assert.Equal(0, Count(runs));
    }

    [Theory]
    [InlineData("/_local/buckets/uploads")]
    [InlineData("/_local/buckets/uploads/")]
    [InlineData("/_local/buckets/")]
    public async Task Put_NoKey_400SayingWhatIsNeeded(string path)
    {
        var (app, client) = await StartAsync(Recording([]));
        await using var _ = app;
        using var __ = client;

        var (response, body) = await PutAsync(client, path, Csv);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("A bucket and a key are required", body.GetProperty("error").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Put_KeyLeavingTheBucket_400()
    {
        var (app, client) = await StartAsync(Recording([]));
        await using var _ = app;
        using var __ = client;

        var (response, body) = await PutAsync(client, "/_local/buckets/uploads/in%5C..%5Cescape.csv", Csv);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("is not a path inside the bucket's folder", body.GetProperty("error").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Put_LargerThanTheLimit_413AndNothingStored()
    {
        var (app, client) = await StartAsync(Recording([]), maxObjectBytes: 1024);
        await using var _ = app;
        using var __ = client;

        var (response, body) = await PutAsync(client, "/_local/buckets/uploads/in/big.csv", new string('x', 1025));

        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
        Assert.Contains("at most 1024 bytes", body.GetProperty("error").GetString(), StringComparison.Ordinal);
        Assert.False(File.Exists(Path.Combine(_dataDir, "objects", "uploads", "in", "big.csv")));
    }

    [Fact]
    public async Task Delivery_FailingOnce_IsRetried_PermanentFailure_IsDeadLetteredAndRedriven()
    {
        var runs = new List<(string Key, int Delivery, string Content)>();
        var poisoned = true;
        var (app, client) = await StartAsync(Recording(runs, (created, delivery) => created.Key switch
        {
            "in/flaky.csv" when delivery == 1 => MessageResult.Retry("the first delivery fails"),
            "in/poison.csv" when Volatile.Read(ref poisoned) => MessageResult.DeadLetter("poison for csv-inbox"),
            _ => MessageResult.Success,
        }));
        await using var _ = app;
        using var __ = client;

        await PutAsync(client, "/_local/buckets/uploads/in/flaky.csv", Csv);
        await PutAsync(client, "/_local/buckets/uploads/in/poison.csv", Csv);
        await EventuallyAsync(async () => (await JsonAsync(client, "/_local/queues/csv-inbox")).GetProperty("deadLetters").GetInt64() == 1 && Count(runs) == 3, "flaky retried, poison dead-lettered");

        lock (runs)
        {
            Assert.Equal([1, 2], runs.Where(r => r.Key == "in/flaky.csv").Select(r => r.Delivery));
        }

        var letter = Assert.Single((await JsonAsync(client, "/_local/queues/csv-inbox/dead-letters")).GetProperty("deadLetters").EnumerateArray());
        Assert.Equal("poison for csv-inbox", letter.GetProperty("reason").GetString());
        Assert.Equal("in/poison.csv", JsonDocument.Parse(letter.GetProperty("body").GetString()!).RootElement.GetProperty("key").GetString());

        Volatile.Write(ref poisoned, false);
        using var redrive = await client.PostAsync(new Uri("/_local/queues/csv-inbox/dead-letters/redrive", UriKind.Relative), null);
        Assert.Equal(HttpStatusCode.OK, redrive.StatusCode);
        await EventuallyAsync(() => Task.FromResult(Count(runs) == 4), "the redriven event delivered");
        Assert.Equal(0, (await JsonAsync(client, "/_local/queues/csv-inbox")).GetProperty("deadLetters").GetInt64());
    }

    [Fact]
    public async Task RedeliveredEvent_ObjectGone_DeadLetteredNamingTheObject()
    {
        var (app, client) = await StartAsync(PatternsApp.App);
        await using var _ = app;
        using var __ = client;

        var (status, _) = await PostEventAsync(client, """{"bucket":"uploads","key":"gone.csv","eTag":"0123"}""");

        Assert.Equal(HttpStatusCode.Accepted, status);
        await EventuallyAsync(async () => (await JsonAsync(client, $"/_local/queues/{JobUploadStarter.FunctionName}")).GetProperty("deadLetters").GetInt64() == 1, "the event dead-lettered");
        var letter = Assert.Single((await JsonAsync(client, $"/_local/queues/{JobUploadStarter.FunctionName}/dead-letters")).GetProperty("deadLetters").EnumerateArray());
        Assert.Equal("Object 'gone.csv' was not found in bucket 'uploads'.", letter.GetProperty("reason").GetString());
        Assert.Equal("uploads/gone.csv#e:0123", letter.GetProperty("id").GetString());
    }

    [Theory]
    [InlineData("not json", "The body is not JSON")]
    [InlineData("[]", "must be one object-created event")]
    [InlineData("""{"key":"a.csv"}""", "The event has no \"bucket\".")]
    [InlineData("""{"bucket":"uploads","key":"a.csv","size":"big"}""", "\"size\" must be a whole number of bytes.")]
    [InlineData("""{"bucket":"uploads","key":7}""", "\"key\" must be a non-empty string.")]
    public async Task RedeliveredEvent_Malformed_400Naming(string json, string error)
    {
        var (app, client) = await StartAsync(Recording([]));
        await using var _ = app;
        using var __ = client;

        var (status, body) = await PostEventAsync(client, json);

        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Contains(error, body.GetProperty("error").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task StorageQueue_EnqueueByHand_404PointingAtTheUpload()
    {
        var (app, client) = await StartAsync(Recording([]));
        await using var _ = app;
        using var __ = client;

        using var response = await client.PostAsync(new Uri("/_local/queues/csv-inbox", UriKind.Relative), new StringContent("{}"));

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Contains("is a storage function's queue: upload with PUT /_local/buckets/", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public void Build_StorageFunctionNamedLikeAQueue_RefusedNamingBoth()
    {
        var app = new FunctionApp(new FunctionManifestBuilder()
            .AddQueue("ledger", "csv-inbox", (_, _, _) => ValueTask.FromResult(MessageResult.Success))
            .AddStorageFunction("csv-inbox", "uploads", (_, _, _) => ValueTask.FromResult(MessageResult.Success))
            .Build());

        var error = Assert.Throws<ArgumentException>(() => LocalHost.Build(app, new LocalHostOptions { Port = 0, DataDirectory = _dataDir }, l => l.SetMinimumLevel(LogLevel.Critical)));
        Assert.Contains("Storage function 'csv-inbox' has the name of a queue", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Banner_StorageFunction_NamesItsBucketFilterAndTheUploadPath()
    {
        var banner = LocalHost.Banner(PatternsApp.Manifest, new Uri("http://localhost:8080"), Path.Combine(_dataDir, "portable.db"));

        Assert.Contains("job-upload-starter STORAGE uploads/*.csv  (upload: PUT /_local/buckets/uploads/{key}.csv)", banner, StringComparison.Ordinal);
    }
}
