using System.Text;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Time.Testing;
using Portable.Core.Messaging;
using Portable.Local.Queues;

namespace Portable.Local.Tests.Queues;

public sealed class SqliteMessageQueueTests : IDisposable
{
    private static readonly TimeSpan Visibility = TimeSpan.FromSeconds(30);
    private readonly string _dir = Directory.CreateTempSubdirectory("portable-queue-").FullName;
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 11, 23, 12, 0, 0, TimeSpan.Zero));

    private string DatabasePath => Path.Combine(_dir, "portable.db");

    public void Dispose()
    {
        SqliteConnection.ClearAllPools();
        Directory.Delete(_dir, recursive: true);
    }

    private SqliteMessageQueue Open() => new(DatabasePath, _time);

    private static OutgoingMessage Message(string body, string? id = null, Dictionary<string, string>? attributes = null) =>
        new(Encoding.UTF8.GetBytes(body), attributes, id);

    [Fact]
    public async Task PublishAll_SeveralQueues_EnqueuesEachInOneGo()
    {
        var queue = Open();

        var ids = await queue.PublishAllAsync([("rule-a", Message("one", "e-1")), ("rule-b", Message("one", "e-1")), ("rule-a", Message("two"))]);

        Assert.Equal("e-1", ids[0]);
        Assert.Equal("e-1", ids[1]);
        Assert.True(Guid.TryParse(ids[2], out var generated), generated.ToString());
        Assert.Equal(["e-1", ids[2]], (await queue.LeaseAsync("rule-a", 10, Visibility)).Select(l => l.Message.Id));
        Assert.Equal(["one"], (await queue.LeaseAsync("rule-b", 10, Visibility)).Select(l => Encoding.UTF8.GetString(l.Message.Body.Span)));
    }

    [Fact]
    public async Task PublishAll_OneBadEntry_EnqueuesNone()
    {
        var queue = Open();

        await Assert.ThrowsAsync<ArgumentException>(() => queue.PublishAllAsync([("rule-a", Message("one")), ("", Message("two"))]).AsTask());

        Assert.Equal(0, await queue.CountAsync("rule-a"));
    }

    [Fact]
    public async Task Publish_ThenLease_DeliversInOrderWithCountAndAttributes()
    {
        var queue = Open();
        await queue.PublishAsync("payments", Message("one", "m1", new() { ["traceparent"] = "00-abc" }));
        await queue.PublishAsync("payments", Message("two", "m2"));
        await queue.PublishAsync("other", Message("elsewhere"));

        var leased = await queue.LeaseAsync("payments", 10, Visibility);

        Assert.Equal(["m1", "m2"], leased.Select(l => l.Message.Id));
        Assert.Equal("one", Encoding.UTF8.GetString(leased[0].Message.Body.Span));
        Assert.Equal("00-abc", leased[0].Message.Attributes["traceparent"]);
        Assert.All(leased, l => Assert.Equal(1, l.Message.DeliveryCount));
        Assert.All(leased, l => Assert.Equal("payments", l.Message.Source));
        Assert.Equal(_time.GetUtcNow(), leased[0].Message.EnqueuedAt);
    }

    [Fact]
    public async Task Publish_WithoutId_AssignsOne()
    {
        var id = await Open().PublishAsync("payments", Message("x"));
        Assert.False(string.IsNullOrWhiteSpace(id));
    }

    [Fact]
    public async Task Lease_HidesForTheVisibilityTimeout_ThenRedeliversWithHigherCount()
    {
        var queue = Open();
        await queue.PublishAsync("payments", Message("x", "m1"));
        var first = await queue.LeaseAsync("payments", 10, Visibility);

        Assert.Empty(await queue.LeaseAsync("payments", 10, Visibility));
        _time.Advance(Visibility - TimeSpan.FromMilliseconds(1));
        Assert.Empty(await queue.LeaseAsync("payments", 10, Visibility));
        _time.Advance(TimeSpan.FromMilliseconds(1));
        var second = await queue.LeaseAsync("payments", 10, Visibility);

        Assert.Equal(2, Assert.Single(second).Message.DeliveryCount);
        Assert.False(await queue.AckAsync(first[0]), "An expired lease must not ack the redelivered message.");
        Assert.True(await queue.AckAsync(second[0]));
        Assert.Equal(0, await queue.CountAsync("payments"));
    }

    [Fact]
    public async Task Lease_RespectsTheBatchLimit()
    {
        var queue = Open();
        for (var i = 0; i < 5; i++)
        {
            await queue.PublishAsync("payments", Message($"m{i}"));
        }

        Assert.Equal(3, (await queue.LeaseAsync("payments", 3, Visibility)).Count);
        Assert.Equal(2, (await queue.LeaseAsync("payments", 3, Visibility)).Count);
    }

    [Fact]
    public async Task Retry_MakesVisibleAfterTheDelay()
    {
        var queue = Open();
        await queue.PublishAsync("payments", Message("x", "m1"));
        var leased = Assert.Single(await queue.LeaseAsync("payments", 10, Visibility));

        Assert.False(await queue.RetryAsync(leased, "busy", TimeSpan.FromSeconds(2), maxDeliveries: 5));
        Assert.Empty(await queue.LeaseAsync("payments", 10, Visibility));
        _time.Advance(TimeSpan.FromSeconds(2));

        Assert.Equal(2, Assert.Single(await queue.LeaseAsync("payments", 10, Visibility)).Message.DeliveryCount);
    }

    [Fact]
    public async Task Retry_AtMaxDeliveries_DeadLettersWithEverything()
    {
        var queue = Open();
        await queue.PublishAsync("payments", Message("poison", "m1", new() { ["k"] = "v" }));
        LeasedMessage? last = null;
        for (var delivery = 1; delivery <= 3; delivery++)
        {
            last = Assert.Single(await queue.LeaseAsync("payments", 10, Visibility));
            var dead = await queue.RetryAsync(last, "downstream timed out", TimeSpan.Zero, maxDeliveries: 3);
            Assert.Equal(delivery == 3, dead);
        }

        Assert.Equal(0, await queue.CountAsync("payments"));
        var letter = Assert.Single(await queue.ListDeadLettersAsync("payments"));
        Assert.Equal("m1", letter.Id);
        Assert.Equal("poison", Encoding.UTF8.GetString(letter.Body.Span));
        Assert.Equal("v", letter.Attributes["k"]);
        Assert.Equal(3, letter.DeliveryCount);
        Assert.Contains("downstream timed out", letter.Reason, StringComparison.Ordinal);
        Assert.Contains("3 deliveries", letter.Reason, StringComparison.Ordinal);
        Assert.Equal(_time.GetUtcNow(), letter.DeadLetteredAt);
    }

    [Fact]
    public async Task DeadLetter_Permanent_KeepsReasonAndRedriveRestoresIt()
    {
        var queue = Open();
        await queue.PublishAsync("payments", Message("bad", "m1"));
        var leased = Assert.Single(await queue.LeaseAsync("payments", 10, Visibility));
        await queue.DeadLetterAsync(leased.Message, "amount: must be greater than 0");
        Assert.True(await queue.AckAsync(leased));

        var letter = Assert.Single(await queue.ListDeadLettersAsync("payments"));
        Assert.Equal("amount: must be greater than 0", letter.Reason);
        Assert.Equal(1, letter.DeliveryCount);

        Assert.Equal(1, await queue.RedriveAsync("payments"));
        Assert.Empty(await queue.ListDeadLettersAsync("payments"));
        var again = Assert.Single(await queue.LeaseAsync("payments", 10, Visibility));
        Assert.Equal("m1", again.Message.Id);
        Assert.Equal(1, again.Message.DeliveryCount);
        Assert.Equal("bad", Encoding.UTF8.GetString(again.Message.Body.Span));
    }

    [Fact]
    public async Task Redrive_ById_MovesOnlyThose()
    {
        var queue = Open();
        foreach (var id in new[] { "a", "b", "c" })
        {
            await queue.DeadLetterAsync(new IncomingMessage { Id = id, Body = "x"u8.ToArray(), Source = "payments" }, "bad");
        }

        Assert.Equal(2, await queue.RedriveAsync("payments", ["a", "c"]));
        Assert.Equal("b", Assert.Single(await queue.ListDeadLettersAsync("payments")).Id);
        Assert.Equal(2, await queue.CountAsync("payments"));
    }

    [Fact]
    public async Task Messages_SurviveReopeningTheFile_AndAnUnackedLeaseComesBack()
    {
        var first = Open();
        await first.PublishAsync("payments", Message("x", "m1"));
        _ = await first.LeaseAsync("payments", 10, Visibility); // the process "dies" holding the lease
        SqliteConnection.ClearAllPools();

        var reopened = Open();
        Assert.Equal(1, await reopened.CountAsync("payments"));
        _time.Advance(Visibility);
        Assert.Equal(2, Assert.Single(await reopened.LeaseAsync("payments", 10, Visibility)).Message.DeliveryCount);
    }

    [Fact]
    public async Task Lease_ConcurrentConsumers_NeverShareAMessage()
    {
        var queue = Open();
        for (var i = 0; i < 200; i++)
        {
            await queue.PublishAsync("payments", Message($"m{i}", $"m{i}"));
        }

        var batches = await Task.WhenAll(Enumerable.Range(0, 8).Select(_ => Task.Run(async () =>
        {
            var mine = new List<string>();
            while ((await queue.LeaseAsync("payments", 7, Visibility)) is { Count: > 0 } leased)
            {
                mine.AddRange(leased.Select(l => l.Message.Id));
            }

            return mine;
        })));

        var all = batches.SelectMany(b => b).ToList();
        Assert.Equal(200, all.Count);
        Assert.Equal(200, all.Distinct(StringComparer.Ordinal).Count());
    }
}
