using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.DependencyInjection;
using Portable.Core.Functions;
using Portable.Core.Idempotency;
using Portable.Core.Invocation;
using Portable.Core.Messaging;
using Portable.Core.Patterns;
using Portable.Core.Patterns.Jobs;
using Portable.Core.Storage;
using Portable.Testing;

namespace Portable.Core.Tests.Patterns.Jobs;

public sealed class JobUploadStarterTests
{
    private const string Function = JobUploadStarter.FunctionName;

    private static ObjectCreated Upload(FunctionTestHost host, string key, string csv) =>
        host.Objects.Put(JobUploadStarter.Bucket, key, Encoding.UTF8.GetBytes(csv), "text/csv");

    [Fact]
    public async Task Upload_DeliveredThreeTimes_OneJobWithExactTotals()
    {
        using var host = JobsFixture.Host();
        var (csv, expected) = JobsFixture.Generate(250);
        var created = Upload(host, "reports/2026-03.csv", csv);

        var results = new List<MessageResult>();
        for (var i = 0; i < 3; i++)
        {
            results.Add(await host.DeliverObjectAsync(Function, created));
        }

        Assert.Equal([MessageResult.Success, new(MessageOutcome.Success, StorageIdempotencyMiddleware.DuplicateReason), new(MessageOutcome.Success, StorageIdempotencyMiddleware.DuplicateReason)], results);
        var id = CsvJobs.JobIdFor(created.DeduplicationKey!);
        Assert.Equal(id, Assert.Single((await host.Store.ListAsync(CsvJobs.JobsCollection, 10)).Entries).Key);
        Assert.Equal(3, host.Publisher.PublishedTo(JobChunkWorker.Queue).Count);
        var started = Assert.Single(host.Logs.WithEventId(6111));
        Assert.Equal($"Upload uploads/reports/2026-03.csv started job {id}: GET /jobs/{id}", started.Message);

        await host.DeliverPublishedAsync();
        var job = await host.GetJobAsync(id);
        Assert.Equal("completed", job.GetProperty("status").GetString());
        Assert.Equal(250, job.GetProperty("rows").GetInt32());
        Assert.Equal(expected, JobsFixture.Result(job));
    }

    [Fact]
    public async Task Upload_DeliveredAgainAfterTheIdempotencyRecordExpired_FindsItsJobAndStartsNothing()
    {
        using var host = JobsFixture.Host();
        var created = Upload(host, "late.csv", "category,amount\nfood,1.25\n");
        Assert.Equal(MessageResult.Success, await host.DeliverObjectAsync(Function, created));

        host.Clock.Advance(IdempotencyRecords.CompletedLifetime + TimeSpan.FromMinutes(1));
        var again = await host.DeliverObjectAsync(Function, created);

        Assert.Equal(MessageResult.Success, again); // the handler ran: the middleware had forgotten the upload
        var id = CsvJobs.JobIdFor(created.DeduplicationKey!);
        Assert.Contains($"is job {id}, started already", Assert.Single(host.Logs.WithEventId(6112)).Message, StringComparison.Ordinal);
        Assert.Single(host.Publisher.PublishedTo(JobChunkWorker.Queue));
        Assert.Single((await host.Store.ListAsync(CsvJobs.JobsCollection, 10)).Entries);
    }

    [Fact]
    public async Task EventWithoutTags_KeyedByTheVersionTheStoreRead()
    {
        using var host = JobsFixture.Host();
        var created = Upload(host, "bare.csv", "category,amount\nfood,1.25\n");
        var bare = created with { Version = null, ETag = null, Sequencer = null };
        Assert.Null(bare.DeduplicationKey);

        for (var i = 0; i < 3; i++)
        {
            Assert.Equal(MessageResult.Success, await host.DeliverObjectAsync(Function, bare));
        }

        var id = CsvJobs.JobIdFor("uploads/bare.csv#v:1");
        Assert.Equal(id, Assert.Single((await host.Store.ListAsync(CsvJobs.JobsCollection, 10)).Entries).Key);
        Assert.Equal(2, host.Logs.WithEventId(6112).Count);
    }

    [Fact]
    public async Task EventWithoutTags_StoreWithoutVersionsOrTags_KeyedByTheContentHash()
    {
        var root = Directory.CreateTempSubdirectory("portable-uploads-").FullName;
        try
        {
            using var host = JobsFixture.Host(configure: o => o.Services = s => s.AddSingleton<IObjectStore>(sp => new DirectoryObjectStore(root, sp.GetRequiredService<TimeProvider>())));
            var csv = Encoding.UTF8.GetBytes("category,amount\nfood,1.25\nrent,3.50\n");
            var store = (DirectoryObjectStore)host.Services.GetRequiredService<IObjectStore>();
            var created = await store.PutAsync(JobUploadStarter.Bucket, "in/plain.csv", csv);
            var bare = created with { ETag = null };

            for (var i = 0; i < 3; i++)
            {
                Assert.Equal(MessageResult.Success, await host.DeliverObjectAsync(Function, bare));
            }

            var id = CsvJobs.JobIdFor($"uploads/in/plain.csv#c:{Convert.ToHexStringLower(SHA256.HashData(csv))}");
            Assert.Equal(id, Assert.Single((await host.Store.ListAsync(CsvJobs.JobsCollection, 10)).Entries).Key);
            await host.DeliverPublishedAsync();
            Assert.Equal(2, (await host.GetJobAsync(id)).GetProperty("rows").GetInt32());
        }
        finally
        {
            Directory.Delete(root, recursive: true);
        }
    }

    [Fact]
    public async Task ObjectDeletedBeforeItWasRead_DeadLetteredNamingIt_NoJob()
    {
        using var host = JobsFixture.Host();
        var created = Upload(host, "gone.csv", "category,amount\nfood,1.25\n");
        host.Objects.Delete(JobUploadStarter.Bucket, "gone.csv");

        var result = await host.DeliverObjectAsync(Function, created);

        Assert.Equal(MessageOutcome.DeadLetter, result.Outcome);
        Assert.Equal("Version '1' of object 'gone.csv' was not found in bucket 'uploads'.", Assert.Single(host.DeadLetters.Received).Reason);
        Assert.Empty((await host.Store.ListAsync(CsvJobs.JobsCollection, 10)).Entries);
    }

    [Fact]
    public async Task ObjectLargerThanTheLimit_DeadLetteredAsTooLarge_NoJob()
    {
        using var host = JobsFixture.Host(new JobOptions { MaxCsvBytes = 1024 });
        var created = Upload(host, "big.csv", JobsFixture.Generate(200).Csv);

        var result = await host.DeliverObjectAsync(Function, created);

        Assert.Equal(MessageOutcome.DeadLetter, result.Outcome);
        Assert.Equal("uploads/big.csv cannot start a job (TooLarge): The CSV is larger than the limit of 1024 bytes.", result.Reason);
        Assert.Empty((await host.Store.ListAsync(CsvJobs.JobsCollection, 10)).Entries);
        Assert.Empty(host.Publisher.Published);
    }

    [Theory]
    [InlineData("name,price\nwidget,9.99\n")]
    [InlineData("")]
    public async Task ObjectThatIsNotAJobCsv_DeadLetteredAsInvalid_NoJob(string content)
    {
        using var host = JobsFixture.Host();
        var created = Upload(host, "other.csv", content);

        var result = await host.DeliverObjectAsync(Function, created);

        Assert.Equal(MessageOutcome.DeadLetter, result.Outcome);
        Assert.StartsWith("uploads/other.csv cannot start a job (Invalid): ", result.Reason, StringComparison.Ordinal);
        Assert.Single(host.DeadLetters.Received);
        Assert.Empty((await host.Store.ListAsync(CsvJobs.JobsCollection, 10)).Entries);
    }

    [Fact]
    public async Task SameTagOtherContent_DeadLetteredAsConflict_TheJobUnchanged()
    {
        using var host = JobsFixture.Host();
        var created = Upload(host, "same.csv", "category,amount\nfood,1.25\n") with { Version = null, ETag = "fixed" };
        Assert.Equal(MessageResult.Success, await host.DeliverObjectAsync(Function, created));
        Upload(host, "same.csv", "category,amount\nfood,9.99\n");
        host.Clock.Advance(IdempotencyRecords.CompletedLifetime + TimeSpan.FromMinutes(1));

        var result = await host.DeliverObjectAsync(Function, created);

        Assert.Equal(MessageOutcome.DeadLetter, result.Outcome);
        Assert.Contains("(Conflict)", result.Reason, StringComparison.Ordinal);
        Assert.Single(host.Publisher.PublishedTo(JobChunkWorker.Queue));
    }

    [Theory]
    [InlineData("reports/2026-03.txt")]
    [InlineData("reports/2026-03.CSV")]
    public async Task KeyWithoutTheCsvSuffix_SkippedWithoutReading(string key)
    {
        using var host = JobsFixture.Host();

        var result = await host.DeliverObjectAsync(Function, new ObjectCreated { Cloud = CloudProvider.Local, Bucket = JobUploadStarter.Bucket, Key = key, ETag = "e" });

        Assert.Equal(new MessageResult(MessageOutcome.Success, StorageInvoker.SkippedReason), result);
        Assert.Empty((await host.Store.ListAsync(CsvJobs.JobsCollection, 10)).Entries);
    }

    [Fact]
    public void PatternsApp_DeclaresTheStarterOnTheUploadsBucketForCsvKeys()
    {
        var (function, trigger) = Assert.Single(PatternsApp.Manifest.FunctionsOf<StorageTrigger>());

        Assert.Equal(Function, function.Name);
        Assert.Equal(("uploads", null, ".csv"), (trigger.Bucket, trigger.Prefix, trigger.Suffix));
        Assert.False(trigger.DisableIdempotency);
        Assert.Empty(new FunctionManifestBuilder().AddJobs(uploads: false).Build().FunctionsOf<StorageTrigger>());
    }
}
