using System.Text;
using System.Text.Json;
using Portable.Core.Idempotency;
using Portable.Core.Invocation;
using Portable.Core.Messaging;
using Portable.Testing;
using static Portable.Core.Tests.Messaging.TestQueue;

namespace Portable.Core.Tests.Idempotency;

public sealed class MessageIdempotencyTests
{
    private int _calls;

    private FunctionTestHost Counting(QueueTriggerOptions? options = null) =>
        new(Queue(
            (_, _, _) =>
            {
                Interlocked.Increment(ref _calls);
                return ValueTask.FromResult(MessageResult.Success);
            },
            options));

    private static string? Customer(IncomingMessage message) =>
        JsonDocument.Parse(message.Body).RootElement.TryGetProperty("orderId", out var id) ? id.GetString() : null;

    [Fact]
    public async Task DuplicateMessageId_HandlerRunsOnceAndDuplicateIsAcknowledged()
    {
        using var host = Counting();

        var first = await host.DeliverOneAsync("fn", Message("m-1", """{"a":1}"""));
        var second = await host.DeliverOneAsync("fn", Message("m-1", """{"a":1}""", deliveryCount: 2));

        Assert.Equal(MessageOutcome.Success, first.Outcome);
        Assert.Equal(MessageOutcome.Success, second.Outcome);
        Assert.Equal(1, _calls);
    }

    [Fact]
    public async Task DuplicateInsideOneBatch_HandlerRunsOnce()
    {
        using var host = Counting();

        var settlements = await host.DeliverAsync("fn", Message("m-1", "{}"), Message("m-2", "{}"), Message("m-1", "{}"));

        Assert.All(settlements, s => Assert.Equal(MessageOutcome.Success, s.Outcome));
        Assert.Equal(2, _calls);
    }

    [Fact]
    public async Task DifferentMessageIds_SameBody_BothRunByDefault()
    {
        using var host = Counting();

        await host.DeliverOneAsync("fn", Message("m-1", """{"orderId":"o-1"}"""));
        await host.DeliverOneAsync("fn", Message("m-2", """{"orderId":"o-1"}"""));

        Assert.Equal(2, _calls);
    }

    [Fact]
    public async Task KeySelectedFromBody_DifferentMessageIds_HandlerRunsOnce()
    {
        using var host = Counting(new QueueTriggerOptions { IdempotencyKey = Customer });

        await host.DeliverOneAsync("fn", Message("m-1", """{"orderId":"o-1"}"""));
        var resent = await host.DeliverOneAsync("fn", Message("m-2", """{"orderId":"o-1"}"""));
        await host.DeliverOneAsync("fn", Message("m-3", """{"orderId":"o-2"}"""));

        Assert.Equal(MessageOutcome.Success, resent.Outcome);
        Assert.Equal(2, _calls);
        Assert.NotNull(await host.Store.GetAsync(IdempotencyRecords.Collection, "fn:msg:o-1"));
    }

    [Fact]
    public async Task KeySelectorReturnsNull_FallsBackToMessageId()
    {
        using var host = Counting(new QueueTriggerOptions { IdempotencyKey = Customer });

        await host.DeliverOneAsync("fn", Message("m-1", "{}"));
        await host.DeliverOneAsync("fn", Message("m-1", "{}"));
        await host.DeliverOneAsync("fn", Message("m-2", "{}"));

        Assert.Equal(2, _calls);
        Assert.NotNull(await host.Store.GetAsync(IdempotencyRecords.Collection, "fn:msg:m-1"));
    }

    [Fact]
    public async Task SameKeyDifferentPayload_DeadLetteredAsConflictWithThatReason()
    {
        using var host = Counting(new QueueTriggerOptions { IdempotencyKey = Customer });

        await host.DeliverOneAsync("fn", Message("m-1", """{"orderId":"o-1","total":10}"""));
        var conflict = await host.DeliverOneAsync("fn", Message("m-2", """{"orderId":"o-1","total":99}"""));

        Assert.Equal(MessageOutcome.DeadLetter, conflict.Outcome);
        Assert.Equal("Conflict: idempotency key 'o-1' was already used with a different payload.", conflict.Reason);
        var (dead, reason) = Assert.Single(host.DeadLetters.Received);
        Assert.Equal("m-2", dead.Id);
        Assert.Equal(conflict.Reason, reason);
        Assert.Equal(1, _calls);
    }

    [Theory]
    [InlineData("""{"orderId":"o-1","total":10.50}""")]
    [InlineData("""{"total":10.5,"orderId":"o-1"}""")]
    [InlineData(""" { "total" : 1.05e1 , "orderId" : "o-1" } """)]
    public async Task SameKeyPayloadEqualByMeaning_IsADuplicateNotAConflict(string resent)
    {
        using var host = Counting(new QueueTriggerOptions { IdempotencyKey = Customer });

        await host.DeliverOneAsync("fn", Message("m-1", """{"orderId":"o-1","total":10.5}"""));
        var duplicate = await host.DeliverOneAsync("fn", Message("m-2", resent));

        Assert.Equal(MessageOutcome.Success, duplicate.Outcome);
        Assert.Empty(host.DeadLetters.Received);
        Assert.Equal(1, _calls);
    }

    [Theory]
    [InlineData("""{"orderId":"o-1","total":10.5}""", MessageOutcome.Success)]
    [InlineData("""{"orderId":"o-1","total":99}""", MessageOutcome.DeadLetter)]
    public async Task RecordWithByteHashOfEarlierVersion_ComparesTheBytes(string body, MessageOutcome expected)
    {
        using var host = Counting(new QueueTriggerOptions { IdempotencyKey = Customer });
        var legacy = new IdempotencyRecord
        {
            State = IdempotencyRecord.Completed,
            RequestHash = Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData("""{"orderId":"o-1","total":10.5}"""u8)),
        };
        await host.Store.InsertAsync(IdempotencyRecords.Collection, "fn:msg:o-1", JsonSerializer.SerializeToUtf8Bytes(legacy, Portable.Core.Json.CoreJsonContext.Default.IdempotencyRecord));

        var settlement = await host.DeliverOneAsync("fn", Message("m-2", body));

        Assert.Equal(expected, settlement.Outcome);
        Assert.Equal(0, _calls);
    }

    [Fact]
    public async Task ConcurrentDuplicateWhileInProgress_IsRetriedAndNeverRunsTwice()
    {
        var calls = 0;
        var entered = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        using var host = new FunctionTestHost(Queue(async (_, _, _) =>
        {
            Interlocked.Increment(ref calls);
            entered.TrySetResult();
            await release.Task;
            return MessageResult.Success;
        }));

        var first = host.DeliverOneAsync("fn", Message("m-1", "{}"));
        await entered.Task;
        var racing = await host.DeliverOneAsync("fn", Message("m-1", "{}", deliveryCount: 2));
        release.SetResult();
        var firstSettlement = await first;
        var later = await host.DeliverOneAsync("fn", Message("m-1", "{}", deliveryCount: 3));

        Assert.Equal(MessageOutcome.Retry, racing.Outcome);
        Assert.Contains("in progress", racing.Reason, StringComparison.Ordinal);
        Assert.Equal(MessageOutcome.Success, firstSettlement.Outcome);
        Assert.Equal(MessageOutcome.Success, later.Outcome);
        Assert.Equal(1, calls);
        Assert.Empty(host.DeadLetters.Received);
    }

    [Fact]
    public async Task ConcurrentDuplicatesInOneParallelBatch_RunOnce()
    {
        var calls = 0;
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        using var host = new FunctionTestHost(Queue(
            async (_, _, _) =>
            {
                Interlocked.Increment(ref calls);
                await release.Task;
                return MessageResult.Success;
            },
            new QueueTriggerOptions { MaxDegreeOfParallelism = 4 }));

        var pending = host.DeliverAsync("fn", Message("m-1", "{}"), Message("m-1", "{}"), Message("m-1", "{}"), Message("m-1", "{}")).AsTask();
        release.SetResult();
        var settlements = await pending;

        Assert.Equal(1, calls);
        Assert.Equal(MessageOutcome.Success, settlements.First(s => s.Outcome != MessageOutcome.Retry).Outcome);
        Assert.All(settlements, s => Assert.NotEqual(MessageOutcome.DeadLetter, s.Outcome));
    }

    [Fact]
    public async Task InProgressClaim_ExpiresWithTheDeadline_SoACrashedAttemptCanBeRetried()
    {
        var calls = 0;
        var crashed = new TaskCompletionSource<MessageResult>(TaskCreationOptions.RunContinuationsAsynchronously);
        using var host = new FunctionTestHost(Queue((_, _, _) =>
            // The first attempt never comes back (its process died); later ones succeed.
            Interlocked.Increment(ref calls) == 1 ? new ValueTask<MessageResult>(crashed.Task) : ValueTask.FromResult(MessageResult.Success)));
        var start = host.Clock.GetUtcNow();

        var lost = host.DeliverOneAsync("fn", Message("m-1", "{}"), new InvocationInfo(Deadline: start.AddSeconds(30)));
        var claim = await host.Store.GetAsync(IdempotencyRecords.Collection, "fn:msg:m-1");
        Assert.Equal(start.AddSeconds(30), claim?.ExpiresAt);

        host.Clock.Advance(TimeSpan.FromSeconds(10));
        var tooEarly = await host.DeliverOneAsync("fn", Message("m-1", "{}", deliveryCount: 2), new InvocationInfo(Deadline: host.Clock.GetUtcNow().AddSeconds(30)));
        Assert.Equal(MessageOutcome.Retry, tooEarly.Outcome);
        Assert.Equal(1, calls);

        host.Clock.Advance(TimeSpan.FromSeconds(21));
        var retried = await host.DeliverOneAsync("fn", Message("m-1", "{}", deliveryCount: 3), new InvocationInfo(Deadline: host.Clock.GetUtcNow().AddSeconds(30)));
        Assert.Equal(MessageOutcome.Success, retried.Outcome);
        Assert.Equal(2, calls);

        crashed.SetResult(MessageResult.Success);
        await lost;
        Assert.Equal(MessageOutcome.Success, (await host.DeliverOneAsync("fn", Message("m-1", "{}", deliveryCount: 4))).Outcome);
        Assert.Equal(2, calls);
    }

    [Fact]
    public async Task InProgressClaim_WithoutDeadline_ExpiresAfterDefaultLifetime()
    {
        using var host = Counting();
        var claims = new IdempotencyRecords(host.Store, host.Clock);

        // A crashed attempt left its claim, taken with no deadline.
        var (etag, _) = await claims.TryClaimAsync("fn:msg:m-1", Hash("{}"), deadline: null, CancellationToken.None);
        Assert.NotNull(etag);
        Assert.Equal(host.Clock.GetUtcNow() + IdempotencyRecords.DefaultInProgressLifetime, (await host.Store.GetAsync(IdempotencyRecords.Collection, "fn:msg:m-1"))?.ExpiresAt);

        host.Clock.Advance(IdempotencyRecords.DefaultInProgressLifetime - TimeSpan.FromSeconds(1));
        Assert.Equal(MessageOutcome.Retry, (await host.DeliverOneAsync("fn", Message("m-1", "{}"))).Outcome);
        Assert.Equal(0, _calls);

        host.Clock.Advance(TimeSpan.FromSeconds(1));
        Assert.Equal(MessageOutcome.Success, (await host.DeliverOneAsync("fn", Message("m-1", "{}"))).Outcome);
        Assert.Equal(1, _calls);
    }

    [Fact]
    public async Task CompletedRecord_IsKept24HoursByDefault()
    {
        using var host = Counting();

        await host.DeliverOneAsync("fn", Message("m-1", "{}"));
        var record = await host.Store.GetAsync(IdempotencyRecords.Collection, "fn:msg:m-1");
        Assert.Equal(host.Clock.GetUtcNow() + TimeSpan.FromHours(24), record?.ExpiresAt);
        Assert.Equal(TimeSpan.FromHours(24), IdempotencyRecords.CompletedLifetime);

        host.Clock.Advance(TimeSpan.FromHours(24) - TimeSpan.FromSeconds(1));
        await host.DeliverOneAsync("fn", Message("m-1", "{}"));
        Assert.Equal(1, _calls);

        host.Clock.Advance(TimeSpan.FromSeconds(1));
        await host.DeliverOneAsync("fn", Message("m-1", "{}"));
        Assert.Equal(2, _calls);
    }

    [Fact]
    public async Task CompletedRecord_StoresPayloadHash()
    {
        using var host = Counting();

        await host.DeliverOneAsync("fn", Message("m-1", """{"a":1}"""));

        var entry = await host.Store.GetAsync(IdempotencyRecords.Collection, "fn:msg:m-1");
        Assert.NotNull(entry);
        var record = JsonSerializer.Deserialize(entry.Value.Span, Portable.Core.Json.CoreJsonContext.Default.IdempotencyRecord);
        Assert.Equal(IdempotencyRecord.Completed, record?.State);
        Assert.Equal(Hash("""{"a":1}"""), record?.RequestHash);
    }

    [Fact]
    public async Task DisableIdempotency_EveryDeliveryRunsAndNoRecordIsKept()
    {
        using var host = Counting(new QueueTriggerOptions { DisableIdempotency = true });

        await host.DeliverOneAsync("fn", Message("m-1", "{}"));
        await host.DeliverOneAsync("fn", Message("m-1", "{}"));

        Assert.Equal(2, _calls);
        Assert.Empty((await host.Store.ListAsync(IdempotencyRecords.Collection, 10)).Entries);
    }

    [Fact]
    public async Task FailedAttempt_ReleasesClaim_SoTheRetryRuns()
    {
        var calls = 0;
        using var host = new FunctionTestHost(Queue((_, _, _) =>
            ++calls == 1 ? throw new TimeoutException("transient") : ValueTask.FromResult(MessageResult.Success)));

        Assert.Equal(MessageOutcome.Retry, (await host.DeliverOneAsync("fn", Message("m-1", "{}"))).Outcome);
        Assert.Null(await host.Store.GetAsync(IdempotencyRecords.Collection, "fn:msg:m-1"));
        Assert.Equal(MessageOutcome.Success, (await host.DeliverOneAsync("fn", Message("m-1", "{}", deliveryCount: 2))).Outcome);
        Assert.Equal(2, calls);
    }

    [Fact]
    public async Task RetryResult_ReleasesClaim_SoTheRetryRuns()
    {
        var calls = 0;
        using var host = new FunctionTestHost(Queue((_, _, _) =>
            ValueTask.FromResult(++calls == 1 ? MessageResult.Retry("later") : MessageResult.Success)));

        await host.DeliverOneAsync("fn", Message("m-1", "{}"));
        await host.DeliverOneAsync("fn", Message("m-1", "{}", deliveryCount: 2));

        Assert.Equal(2, calls);
    }

    [Fact]
    public async Task DeadLetteredAttempt_ReleasesClaim_SoARedriveRuns()
    {
        var calls = 0;
        using var host = new FunctionTestHost(Queue((_, _, _) =>
            ValueTask.FromResult(++calls == 1 ? MessageResult.DeadLetter("missing customer") : MessageResult.Success)));

        Assert.Equal(MessageOutcome.DeadLetter, (await host.DeliverOneAsync("fn", Message("m-1", "{}"))).Outcome);
        Assert.Equal(MessageOutcome.Success, (await host.DeliverOneAsync("fn", Message("m-1", "{}"))).Outcome);
        Assert.Equal(2, calls);
    }

    [Fact]
    public async Task SameMessageId_DifferentFunctions_AreIndependent()
    {
        var calls = new List<string>();
        var manifest = new Portable.Core.Functions.FunctionManifestBuilder()
            .AddQueue("audit", "orders", (_, c, _) => Record(c.FunctionName))
            .AddQueue("billing", "orders", (_, c, _) => Record(c.FunctionName))
            .Build();
        using var host = new FunctionTestHost(manifest);

        await host.DeliverOneAsync("audit", Message("m-1", "{}"));
        await host.DeliverOneAsync("billing", Message("m-1", "{}"));

        Assert.Equal(["audit", "billing"], calls);

        ValueTask<MessageResult> Record(string name)
        {
            calls.Add(name);
            return ValueTask.FromResult(MessageResult.Success);
        }
    }

    private static string Hash(string body) => IdempotencyRecords.PayloadHash(Encoding.UTF8.GetBytes(body));
}
