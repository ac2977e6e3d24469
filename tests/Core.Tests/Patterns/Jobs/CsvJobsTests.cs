using System.Text;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Portable.Core.Functions;
using Portable.Core.Messaging;
using Portable.Core.Patterns.Jobs;
using Portable.Core.Settings;
using Portable.Core.State;
using Portable.Testing;
using Portable.Testing.Messaging;
using Portable.TestKit;

namespace Portable.Core.Tests.Patterns.Jobs;

public sealed class CsvJobsTests
{
    private const string UploadKey = "uploads/reports/2026-03.csv#version=3HL4kqtJlcpXroDTDmJ";

    /// <summary>A publisher that fails the publishes a test picks, before they reach <see cref="Inner"/>.</summary>
    private sealed class FlakyPublisher(Func<int, bool> fails) : IMessagePublisher
    {
        private int _calls;

        public IMessagePublisher? Inner { get; set; }

        public ValueTask<string> PublishAsync(string destination, OutgoingMessage message, CancellationToken cancellationToken = default) =>
            fails(Interlocked.Increment(ref _calls))
                ? throw new TimeoutException("The queue did not answer.")
                : Inner!.PublishAsync(destination, message, cancellationToken);
    }

    private static CsvJobs Jobs(FunctionTestHost host) => host.Services.GetRequiredService<CsvJobs>();

    [Fact]
    public async Task StartFromUpload_SameUploadThreeTimes_OneJob()
    {
        using var host = JobsFixture.Host();
        var (csv, expected) = JobsFixture.Generate(320);
        var bytes = Encoding.UTF8.GetBytes(csv);

        var starts = new List<JobStart>();
        for (var i = 0; i < 3; i++)
        {
            starts.Add(await Jobs(host).StartFromUploadAsync(UploadKey, bytes));
        }

        Assert.Equal([JobStartOutcome.Started, JobStartOutcome.AlreadyStarted, JobStartOutcome.AlreadyStarted], starts.Select(s => s.Outcome));
        Assert.All(starts, s => Assert.Equal(CsvJobs.JobIdFor(UploadKey), s.JobId));
        Assert.All(starts, s => Assert.True(s.Accepted));
        Assert.Equal(4, host.Publisher.PublishedTo(JobChunkWorker.Queue).Count);
        Assert.Single((await host.Store.ListAsync(CsvJobs.JobsCollection, 10)).Entries);

        await host.DeliverPublishedAsync();
        var job = await host.GetJobAsync(starts[0].JobId);
        Assert.Equal("completed", job.GetProperty("status").GetString());
        Assert.Equal(320, job.GetProperty("rows").GetInt32());
        Assert.Equal(expected, JobsFixture.Result(job));
    }

    [Fact]
    public async Task StartFromUpload_ThreeConcurrentDeliveries_OneJobCountedOnce()
    {
        using var host = JobsFixture.Host();
        var (csv, expected) = JobsFixture.Generate(500);
        var bytes = Encoding.UTF8.GetBytes(csv);

        var starts = await Task.WhenAll(Enumerable.Range(0, 3).Select(_ => Task.Run(async () => await Jobs(host).StartFromUploadAsync(UploadKey, bytes))));

        Assert.Single(starts, s => s.Outcome == JobStartOutcome.Started);
        Assert.All(starts, s => Assert.True(s.Accepted));
        await host.DeliverPublishedAsync();
        var job = await host.GetJobAsync(CsvJobs.JobIdFor(UploadKey));
        Assert.Equal((5, 5), JobsFixture.Chunks(job));
        Assert.Equal(500, job.GetProperty("rows").GetInt32());
        Assert.Equal(expected, JobsFixture.Result(job));
        Assert.Single(host.Logs.WithEventId(6103));
    }

    [Fact]
    public async Task StartFromUpload_Stream_ReadsTheObject()
    {
        using var host = JobsFixture.Host();
        var (csv, expected) = JobsFixture.Generate(100_000 / 16);
        using var stream = new MemoryStream(Encoding.UTF8.GetBytes(csv));

        var start = await Jobs(host).StartFromUploadAsync(UploadKey, stream);

        Assert.Equal(JobStartOutcome.Started, start.Outcome);
        await host.DeliverPublishedAsync();
        Assert.Equal(expected, JobsFixture.Result(await host.GetJobAsync(start.JobId)));
    }

    [Fact]
    public async Task StartFromUpload_StreamOverTheLimit_TooLargeWithoutReadingItAll()
    {
        using var host = JobsFixture.Host(new JobOptions { MaxCsvBytes = 4096 });
        using var stream = new MemoryStream(Encoding.UTF8.GetBytes("category,amount\n" + string.Concat(Enumerable.Repeat("food,1\n", 100_000))));

        var start = await Jobs(host).StartFromUploadAsync(UploadKey, stream);

        Assert.Equal(JobStartOutcome.TooLarge, start.Outcome);
        Assert.False(start.Accepted);
        Assert.Contains("4096 bytes", start.Error, StringComparison.Ordinal);
        Assert.InRange(stream.Position, 4097, 8192);
        Assert.Null(await host.Store.GetAsync(CsvJobs.JobsCollection, start.JobId));
    }

    [Fact]
    public async Task StartFromUpload_OtherVersion_AnotherJob()
    {
        using var host = JobsFixture.Host();
        var bytes = Encoding.UTF8.GetBytes("category,amount\na,1\n");

        var first = await Jobs(host).StartFromUploadAsync("uploads/a.csv#1", bytes);
        var second = await Jobs(host).StartFromUploadAsync("uploads/a.csv#2", bytes);

        Assert.Equal((JobStartOutcome.Started, JobStartOutcome.Started), (first.Outcome, second.Outcome));
        Assert.NotEqual(first.JobId, second.JobId);
    }

    [Fact]
    public async Task StartFromUpload_SameKeyOtherContent_ConflictAndTheJobUnchanged()
    {
        using var host = JobsFixture.Host();
        await Jobs(host).StartFromUploadAsync(UploadKey, "category,amount\na,1\n"u8.ToArray());
        var before = (await host.Store.GetAsync(CsvJobs.JobsCollection, CsvJobs.JobIdFor(UploadKey)))!.ETag;

        var start = await Jobs(host).StartFromUploadAsync(UploadKey, "category,amount\na,2\n"u8.ToArray());

        Assert.Equal(JobStartOutcome.Conflict, start.Outcome);
        Assert.Null(start.Status);
        Assert.Equal(before, (await host.Store.GetAsync(CsvJobs.JobsCollection, start.JobId))!.ETag);
        Assert.Single(host.Publisher.Published);
    }

    [Theory]
    [InlineData("", "empty")]
    [InlineData("name,value\na,1\n", "header 'category,amount'")]
    public async Task StartFromUpload_NotAJob_InvalidAndNothingStored(string csv, string error)
    {
        using var host = JobsFixture.Host();

        var start = await Jobs(host).StartFromUploadAsync(UploadKey, Encoding.UTF8.GetBytes(csv));

        Assert.Equal(JobStartOutcome.Invalid, start.Outcome);
        Assert.Contains(error, start.Error, StringComparison.Ordinal);
        Assert.Null(await host.Store.GetAsync(CsvJobs.JobsCollection, start.JobId));
        Assert.Empty(host.Publisher.Published);
    }

    [Fact]
    public void JobIdFor_SameKey_SameIdAndAUsableOne()
    {
        var id = CsvJobs.JobIdFor(UploadKey);

        Assert.Equal(id, CsvJobs.JobIdFor(UploadKey));
        Assert.NotEqual(id, CsvJobs.JobIdFor(UploadKey + "x"));
        Assert.Matches("^j[0-9a-f]{32}$", id);
        Assert.True(CsvJobs.IsJobId(id));
    }

    [Theory]
    [InlineData("")]
    [InlineData("a/b")]
    [InlineData("a b")]
    [InlineData("0123456789012345678901234567890123456789012345678901234567890123x")]
    public async Task StartAsync_NotAJobId_Throws(string id)
    {
        using var host = JobsFixture.Host();

        await Assert.ThrowsAsync<ArgumentException>(async () => await Jobs(host).StartAsync(id, "category,amount\n"u8.ToArray()));
    }

    [Fact]
    public async Task PostJob_PublishFailsHalfWay_RetryWithTheKeyResumesTheSameJob()
    {
        var flaky = new FlakyPublisher(call => call == 3);
        using var host = JobsFixture.Host(new JobOptions { ChunkRows = 10 }, o => o.Services = s => s.AddSingleton<IMessagePublisher>(flaky));
        flaky.Inner = host.Publisher;
        var (csv, expected) = JobsFixture.Generate(100);

        var failed = await host.PostCsvAsync(csv, ("Idempotency-Key", "retry-me"));
        Assert.Equal(500, failed.StatusCode);
        var id = CsvJobs.JobIdFor($"{JobsApi.FunctionName}\nretry-me");
        Assert.Equal("running", (await host.GetJobAsync(id)).GetProperty("status").GetString());

        var retried = await host.PostCsvAsync(csv, ("Idempotency-Key", "retry-me"));

        Assert.Equal(202, retried.StatusCode);
        Assert.Equal(id, JobsFixture.Json(retried).GetProperty("id").GetString());
        Assert.Single(host.Logs.WithEventId(6102));
        await host.DeliverPublishedAsync();
        var job = await host.GetJobAsync(id);
        Assert.Equal("completed", job.GetProperty("status").GetString());
        Assert.Equal(100, job.GetProperty("rows").GetInt32());
        Assert.Equal(expected, JobsFixture.Result(job));
    }

    [Fact]
    public async Task Split_ChunkRowsSetting_ThatManyRowsPerChunk()
    {
        using var host = JobsFixture.Host(new JobOptions { ChunkRows = 7 });
        var (csv, expected) = JobsFixture.Generate(100, lineEnd: "\n");

        var id = await host.StartAsync(csv);

        var chunks = host.TakeChunks();
        Assert.Equal(15, chunks.Count);
        foreach (var chunk in chunks)
        {
            await host.DeliverOneAsync(JobChunkWorker.Queue, chunk);
        }

        var job = await host.GetJobAsync(id);
        Assert.Equal((15, 15), JobsFixture.Chunks(job));
        Assert.Equal(expected, JobsFixture.Result(job));
        var records = (await host.Store.ListAsync(CsvJobs.ChunksCollection(id), 100)).Entries;
        Assert.Equal(15, records.Count);
        Assert.All(records.Take(14), r => Assert.Contains("\"rows\":7,", Encoding.UTF8.GetString(r.Value.Span), StringComparison.Ordinal));
        Assert.Contains("\"rows\":2,", Encoding.UTF8.GetString(records[^1].Value.Span), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Split_LongRows_ChunksCutToStayUnderTheMessageLimit()
    {
        using var host = JobsFixture.Host();
        var csv = new StringBuilder("category,amount\n");
        for (var i = 0; i < 100; i++)
        {
            csv.Append(new string((char)('a' + (i % 3)), 3000)).Append(",\"1.5\"\n");
        }

        var id = await host.StartAsync(csv.ToString());

        var chunks = host.Publisher.PublishedTo(JobChunkWorker.Queue);
        Assert.InRange(chunks.Count, 20, 25);
        Assert.All(chunks, c => Assert.InRange(c.Body.Length, 15_000, CsvJobs.MaxChunkMessageBytes));
        await host.DeliverPublishedAsync();
        var job = await host.GetJobAsync(id);
        Assert.Equal(100, job.GetProperty("rows").GetInt32());
        Assert.Equal((34, "51.0"), JobsFixture.Result(job)[new string('a', 3000)]);
    }

    [Fact]
    public async Task Split_RowTooLongForAMessage_RejectedWithItsLine()
    {
        using var host = JobsFixture.Host();
        var csv = "category,amount\na,1\n\"" + new string('x', 5000) + "\n" + new string('y', 5000) + "\",2\nb,3\n" + new string('z', 9000) + ",4\nc,5\n";

        var id = await host.StartAsync(csv);
        await host.DeliverPublishedAsync();

        var job = await host.GetJobAsync(id);
        Assert.Equal("completed", job.GetProperty("status").GetString());
        Assert.Equal(3, job.GetProperty("rows").GetInt32());
        Assert.Equal([(3, "row is longer than 8 KiB"), (6, "row is longer than 8 KiB")], JobsFixture.Rejected(job));
        Assert.Equal(new Dictionary<string, (int, string)> { ["a"] = (1, "1"), ["b"] = (1, "3"), ["c"] = (1, "5") }, JobsFixture.Result(job));
        Assert.All(host.Publisher.PublishedTo(JobChunkWorker.Queue), c => Assert.True(c.Body.Length <= CsvJobs.MaxChunkMessageBytes));
    }

    [Fact]
    public async Task ChunkRecord_LargestChunk_FitsATableStorageValue()
    {
        // The most rows a chunk may hold, each a new category with the largest amount, or rejected with the longest reason.
        using var host = JobsFixture.Host(new JobOptions { ChunkRows = JobOptions.MaxChunkRows });
        var csv = new StringBuilder("category,amount\n");
        for (var i = 0; i < 10_000; i++)
        {
            csv.Append(i % 2 == 0 ? $"\"c{i}\",\"-999999999999999.99999999\"\n" : $"c,1{new string('0', 15)}\n");
        }

        var id = await host.StartAsync(csv.ToString());
        Assert.All(host.Publisher.PublishedTo(JobChunkWorker.Queue), c => Assert.True(c.Body.Length <= CsvJobs.MaxChunkMessageBytes));
        await host.DeliverPublishedAsync(maxDeliveries: 1);

        var job = await host.GetJobAsync(id);
        Assert.Equal("completed", job.GetProperty("status").GetString());
        Assert.Equal(5_000, job.GetProperty("rows").GetInt32());
        Assert.Equal(5_000, JobsFixture.Rejected(job).Length);
        Assert.Equal(20, JobsFixture.Chunks(job).Total);
        var largest = 0;
        string? after = null;
        var more = true;
        while (more)
        {
            var page = await host.Store.ListAsync(CsvJobs.ChunksCollection(id), 100, after);
            largest = Math.Max(largest, page.Entries.Max(e => e.Value.Length));
            (more, after) = (page.HasMore, page.Entries[^1].Key);
        }

        Assert.InRange(largest, 30_000, 64 * 1024 - 1);
    }

    [Fact]
    public void FromSettings_Variables_ReadAndChecked()
    {
        var options = JobOptions.FromSettings(new HostSettings(new Dictionary<string, string?>
        {
            [JobOptions.ChunkRowsVariable] = "250",
            [JobOptions.MaxCsvBytesVariable] = "2097152",
        }.GetValueOrDefault));

        Assert.Equal((250, 2 * 1024 * 1024), (options.ChunkRows, options.MaxCsvBytes));
        Assert.Equal((100, 1024 * 1024), (JobOptions.FromSettings(new HostSettings(_ => null)).ChunkRows, JobOptions.FromSettings(new HostSettings(_ => null)).MaxCsvBytes));
        Assert.Throws<SettingsException>(() => JobOptions.FromSettings(new HostSettings(n => n == JobOptions.ChunkRowsVariable ? "501" : null)));
        Assert.Throws<SettingsException>(() => JobOptions.FromSettings(new HostSettings(n => n == JobOptions.ChunkRowsVariable ? "ten" : null)));
        Assert.Throws<SettingsException>(() => JobOptions.FromSettings(new HostSettings(n => n == JobOptions.MaxCsvBytesVariable ? "9999999999" : null)));
    }

    [Fact]
    public void AddJobs_OptionsOutOfRange_Throws()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new ServiceCollection().AddJobs(new JobOptions { ChunkRows = 0 }));
        Assert.Throws<ArgumentOutOfRangeException>(() => new ServiceCollection().AddJobs(new JobOptions { MaxCsvBytes = JobOptions.MaxCsvBytesLimit + 1 }));
    }

    [Fact]
    public void AddJobs_ContainerWithOnlyALoggerFactory_AsTheLambdaHostBuildsIt_ResolvesTheApiAndTheWorker()
    {
        // The Lambda host registers ILoggerFactory alone (no AddLogging, so no ILogger<T>): resolving ILogger<T> there
        // failed the first POST /jobs on AWS.
        var services = new ServiceCollection()
            .AddSingleton<ILoggerFactory>(NullLoggerFactory.Instance)
            .AddSingleton(TimeProvider.System)
            .AddSingleton<IStateStore>(new InMemoryStateStore(TimeProvider.System))
            .AddSingleton<IMessagePublisher>(new InMemoryPublisher(TimeProvider.System))
            .AddJobs(new JobOptions());
        using var provider = services.BuildServiceProvider();

        Assert.NotNull(provider.GetRequiredService<JobsApi>());
        Assert.NotNull(provider.GetRequiredService<JobChunkWorker>());
    }

    [Fact]
    public void AddJobs_Manifest_DeclaresTheApiAndTheWorkerOnItsQueue()
    {
        var manifest = new FunctionManifestBuilder().AddJobs().Build();

        var api = manifest.Find<HttpTrigger>(JobsApi.FunctionName)!.Value.Trigger;
        Assert.Equal(["POST /jobs", "GET /jobs/{id}"], api.Routes.Select(r => $"{r.Method} {r.Template.Text}"));
        var worker = manifest.Find<QueueTrigger>(JobChunkWorker.FunctionName)!.Value.Trigger;
        Assert.Equal("job-chunks", worker.Queue);
        Assert.True(worker.Options.DisableIdempotency);
    }
}
