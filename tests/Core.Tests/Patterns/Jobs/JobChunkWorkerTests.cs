using System.Text;
using Portable.Core.Messaging;
using Portable.Core.Patterns.Jobs;
using Portable.Core.Resilience;
using Portable.Core.State;
using Portable.Testing;
using Portable.TestKit;

namespace Portable.Core.Tests.Patterns.Jobs;

public sealed class JobChunkWorkerTests
{
    /// <summary>Counts the writes that landed and turned a job record completed: the completion must be recorded once.</summary>
    private sealed class CompletionCountingStore(IStateStore inner) : DelegatingStateStore(inner)
    {
        private int _completions;

        public int Completions => Volatile.Read(ref _completions);

        public override async ValueTask<StateWriteResult> ReplaceAsync(string collection, string key, ReadOnlyMemory<byte> value, string ifMatch, DateTimeOffset? expiresAt = null, CancellationToken cancellationToken = default)
        {
            var before = await Inner.GetAsync(collection, key, cancellationToken);
            var written = await Inner.ReplaceAsync(collection, key, value, ifMatch, expiresAt, cancellationToken);
            if (written.Succeeded && collection == CsvJobs.JobsCollection && IsCompleted(value) && before is not null && !IsCompleted(before.Value))
            {
                Interlocked.Increment(ref _completions);
            }

            return written;
        }

        private static bool IsCompleted(ReadOnlyMemory<byte> job) => Encoding.UTF8.GetString(job.Span).Contains("\"status\":\"completed\"", StringComparison.Ordinal);
    }

    /// <summary>Gives other deliveries a chance to run between every read and write, so concurrent duplicates really interleave.</summary>
    private sealed class InterleavingStore(IStateStore inner) : DelegatingStateStore(inner)
    {
        public override async ValueTask<StateEntry?> GetAsync(string collection, string key, CancellationToken cancellationToken = default)
        {
            await Task.Yield();
            return await Inner.GetAsync(collection, key, cancellationToken);
        }

        public override async ValueTask<StateWriteResult> InsertAsync(string collection, string key, ReadOnlyMemory<byte> value, DateTimeOffset? expiresAt = null, CancellationToken cancellationToken = default)
        {
            await Task.Yield();
            return await Inner.InsertAsync(collection, key, value, expiresAt, cancellationToken);
        }
    }

    private static bool IsJobData(string collection) =>
        collection == CsvJobs.JobsCollection || collection.StartsWith("job-chunks:", StringComparison.Ordinal);

    [Fact]
    public async Task Deliver_TenThousandRowsEveryChunkTwice_ExactTotals()
    {
        CompletionCountingStore? counting = null;
        using var host = JobsFixture.Host(configure: o => o.DecorateStore = s => counting = new CompletionCountingStore(s));
        var (csv, expected) = JobsFixture.Generate(10_000);
        var id = await host.StartAsync(csv);
        var chunks = host.TakeChunks();
        Assert.Equal(100, chunks.Count);
        Assert.All(chunks, c => Assert.InRange(c.Body.Length, 1, CsvJobs.MaxChunkMessageBytes));

        foreach (var chunk in chunks)
        {
            var settlements = await host.DeliverAsync(JobChunkWorker.Queue, chunk, chunk with { DeliveryCount = 2 });
            Assert.All(settlements, s => Assert.Equal(MessageOutcome.Success, s.Outcome));
        }

        var job = await host.GetJobAsync(id);
        Assert.Equal("completed", job.GetProperty("status").GetString());
        Assert.Equal((100, 100), JobsFixture.Chunks(job));
        Assert.Equal(10_000, job.GetProperty("rows").GetInt32());
        Assert.Empty(JobsFixture.Rejected(job));
        Assert.Equal(expected, JobsFixture.Result(job));
        Assert.Equal(1, counting!.Completions);
        Assert.Single(host.Logs.WithEventId(6103));
        Assert.Equal(100, host.Logs.WithEventId(6104).Count); // each second delivery found its chunk counted
        Assert.Empty(host.DeadLetters.Received);
    }

    [Fact]
    public async Task Deliver_EveryChunkFiveTimesConcurrently_CountedOnceAndCompletedOnce()
    {
        CompletionCountingStore? counting = null;
        using var host = JobsFixture.Host(new JobOptions { ChunkRows = 50 }, o => o.DecorateStore = s => counting = new CompletionCountingStore(new InterleavingStore(s)));
        var (csv, expected) = JobsFixture.Generate(1_000);
        var id = await host.StartAsync(csv);
        var chunks = host.TakeChunks();
        Assert.Equal(20, chunks.Count);

        var deliveries = chunks.SelectMany(c => Enumerable.Range(1, 5).Select(n => c with { DeliveryCount = n }))
            .Select(m => Task.Run(async () => await host.DeliverOneAsync(JobChunkWorker.Queue, m)));
        var settlements = await Task.WhenAll(deliveries);

        Assert.All(settlements, s => Assert.Equal(MessageOutcome.Success, s.Outcome));
        var job = await host.GetJobAsync(id);
        Assert.Equal("completed", job.GetProperty("status").GetString());
        Assert.Equal((20, 20), JobsFixture.Chunks(job));
        Assert.Equal(1_000, job.GetProperty("rows").GetInt32());
        Assert.Equal(expected, JobsFixture.Result(job));
        Assert.Equal(1, counting!.Completions);
        Assert.Single(host.Logs.WithEventId(6103));
    }

    [Fact]
    public async Task Deliver_WorkerKilledAfterEachWriteAndRedelivered_SameTotals()
    {
        // Every other write of a chunk's record or of the job's bits lands, then the worker dies (nothing retries it in
        // process): the platform redelivers the message.
        var armed = false;
        var landed = 0;
        AnswerLosingStateStore? killing = null;
        CompletionCountingStore? counting = null;
        using var host = JobsFixture.Host(new JobOptions { ChunkRows = 10 }, o => o.DecorateStore = s =>
            killing = new AnswerLosingStateStore(counting = new CompletionCountingStore(s), (collection, _) => armed && IsJobData(collection) && ++landed % 2 == 1));
        var (csv, expected) = JobsFixture.Generate(95);
        var id = await host.StartAsync(csv);
        armed = true;

        var deliveries = await host.DeliverPublishedAsync(maxDeliveries: 10);

        Assert.True(killing!.Lost >= 5, $"only {killing.Lost} writes were cut short");
        Assert.True(deliveries > 10, $"{deliveries} deliveries: no chunk was redelivered");
        var job = await host.GetJobAsync(id);
        Assert.Equal("completed", job.GetProperty("status").GetString());
        Assert.Equal((10, 10), JobsFixture.Chunks(job));
        Assert.Equal(95, job.GetProperty("rows").GetInt32());
        Assert.Equal(expected, JobsFixture.Result(job));
        Assert.Equal(1, counting!.Completions);
        Assert.Empty(host.DeadLetters.Received);
    }

    [Fact]
    public async Task Deliver_EveryAnswerLostAndRetried_NoDoubleCountNoStall()
    {
        // Every write to a job record or chunk record lands and loses its answer; the state pipeline retries it and
        // meets its own write. Nothing may count twice, and nothing may need a redelivery.
        AnswerLosingStateStore? losing = null;
        CompletionCountingStore? counting = null;
        using var host = JobsFixture.Host(new JobOptions { ChunkRows = 10 }, o => o.DecorateStore = s =>
            new ResilientStateStore(
                losing = new AnswerLosingStateStore(counting = new CompletionCountingStore(s), (collection, _) => IsJobData(collection)), AnswerLosingStateStore.RetryTransient));
        var (csv, expected) = JobsFixture.Generate(200);

        var id = await host.StartAsync(csv);
        var deliveries = await host.DeliverPublishedAsync();

        Assert.Equal(20, deliveries);
        Assert.True(losing!.Lost >= 42, $"only {losing.Lost} answers were lost"); // job insert, published mark, 20 records, 20 bits
        var job = await host.GetJobAsync(id);
        Assert.Equal("completed", job.GetProperty("status").GetString());
        Assert.Equal((20, 20), JobsFixture.Chunks(job));
        Assert.Equal(200, job.GetProperty("rows").GetInt32());
        Assert.Equal(expected, JobsFixture.Result(job));
        Assert.Equal(1, counting!.Completions);
        Assert.Single(host.Logs.WithEventId(6101).Concat(host.Logs.WithEventId(6102))); // started, and not published again
        Assert.Equal(20, host.Publisher.PublishedTo(JobChunkWorker.Queue).Count);
    }

    [Fact]
    public async Task Deliver_AfterTheJobCompleted_ChangesNothing()
    {
        using var host = JobsFixture.Host();
        var id = await host.StartAsync("category,amount\na,1.5\n");
        var chunk = Assert.Single(host.TakeChunks());
        await host.DeliverOneAsync(JobChunkWorker.Queue, chunk);
        var before = (await host.Store.GetAsync(CsvJobs.JobsCollection, id))!.ETag;

        var late = await host.DeliverOneAsync(JobChunkWorker.Queue, chunk with { DeliveryCount = 7 });

        Assert.Equal(MessageOutcome.Success, late.Outcome);
        Assert.Equal(before, (await host.Store.GetAsync(CsvJobs.JobsCollection, id))!.ETag);
        Assert.Equal(new Dictionary<string, (int, string)> { ["a"] = (1, "1.5") }, JobsFixture.Result(await host.GetJobAsync(id)));
    }

    [Theory]
    [InlineData("not json", "Not a job chunk message")]
    [InlineData("""{"job":"x"}""", "Not a job chunk message")]
    [InlineData("""{"job":"a/b","chunk":0,"line":2,"text":"a,1"}""", "is not a job id")]
    [InlineData("""{"job":"nosuchjob","chunk":0,"line":2,"text":"a,1"}""", "Job nosuchjob does not exist.")]
    [InlineData("""{"job":"J","chunk":1,"line":2,"text":"a,1"}""", "there is no chunk 1")]
    [InlineData("""{"job":"J","chunk":-1,"line":2,"text":"a,1"}""", "chunk -1 is out of range")]
    [InlineData("""{"job":"J","chunk":0,"line":1,"text":"a,1"}""", "before the first data line")]
    public async Task Deliver_BadMessage_DeadLettered(string body, string reason)
    {
        using var host = JobsFixture.Host();
        var id = await host.StartAsync("category,amount\na,1\n");
        host.TakeChunks();

        var settlement = await host.DeliverOneAsync(JobChunkWorker.Queue, MessageBuilder.Text(body.Replace("\"J\"", $"\"{id}\"", StringComparison.Ordinal)).Build());

        Assert.Equal(MessageOutcome.DeadLetter, settlement.Outcome);
        Assert.Contains(reason, Assert.Single(host.DeadLetters.Received).Reason, StringComparison.Ordinal);
        Assert.Equal("running", (await host.GetJobAsync(id)).GetProperty("status").GetString());
    }
}
