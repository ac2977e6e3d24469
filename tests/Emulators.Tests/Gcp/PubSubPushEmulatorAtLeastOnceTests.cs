using System.Collections.Concurrent;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Time.Testing;
using Portable.Emulators;
using Portable.Emulators.Gcp;

namespace Portable.Emulators.Tests.Gcp;

/// <summary>
/// The push emulator's at-least-once knob (<see cref="PubSubPushEmulatorOptions.DuplicateDeliveryRate"/>) and
/// outstanding pushes (<see cref="PubSubPushEmulatorOptions.MaxOutstandingPushes"/>), against a loopback push endpoint
/// that acks with 204; time is fake.
/// </summary>
public sealed class PubSubPushEmulatorAtLeastOnceTests : IAsyncLifetime
{
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 3, 1, 12, 0, 0, TimeSpan.Zero));
    private readonly ConcurrentQueue<(string MessageId, int Attempt)> _pushed = new();
    private WebApplication _endpoint = null!;
    private TaskCompletionSource? _together;
    private int _togetherCount;
    private int _inFlight;
    private int _maxInFlight;

    public async Task InitializeAsync()
    {
        _endpoint = LoopbackServer.Create("Portable.Emulators.Tests.FakeEndpoint");
        _endpoint.Run(async context =>
        {
            var now = Interlocked.Increment(ref _inFlight);
            var seen = Volatile.Read(ref _maxInFlight);
            while (now > seen && Interlocked.CompareExchange(ref _maxInFlight, now, seen) != seen)
            {
                seen = Volatile.Read(ref _maxInFlight);
            }

            using var body = await JsonDocument.ParseAsync(context.Request.Body);
            _pushed.Enqueue((body.RootElement.GetProperty("message").GetProperty("messageId").GetString()!, body.RootElement.GetProperty("deliveryAttempt").GetInt32()));
            if (_together is { } together)
            {
                if (now >= _togetherCount)
                {
                    together.TrySetResult();
                }

                await together.Task.WaitAsync(TimeSpan.FromSeconds(10)); // held until that many pushes are in flight
            }

            Interlocked.Decrement(ref _inFlight);
            context.Response.StatusCode = 204;
        });
        await _endpoint.StartAsync();
    }

    public async Task DisposeAsync() => await _endpoint.DisposeAsync();

    [Fact]
    public async Task DuplicateDeliveryRate_SomeAckedMessagesArePushedOnceMoreWithTheSameId()
    {
        await using var emulator = await StartAsync(rate: 0.3, seed: 9, outstanding: 1);
        var ids = Enumerable.Range(0, 200).Select(i => emulator.Publish("payments", "{}"u8.ToArray(), new Dictionary<string, string> { ["n"] = $"{i}" })).ToList();

        var attempts = await DrainAsync(emulator);

        Assert.Equal(0, emulator.PendingCount);
        Assert.Empty(emulator.Messages("payments-dead-letter"));
        var duplicated = attempts.Where(a => a.Duplicated).Select(a => a.MessageId).ToList();
        Assert.Equal(emulator.DuplicatedCount, duplicated.Count);
        Assert.InRange(duplicated.Count, 30, 90); // about 60 of 200
        foreach (var id in ids)
        {
            // Acked, then pushed again under the same message id as the next delivery attempt.
            Assert.Equal(duplicated.Contains(id) ? new[] { 1, 2 } : new[] { 1 }, _pushed.Where(p => p.MessageId == id).Select(p => p.Attempt));
            Assert.All(attempts.Where(a => a.MessageId == id), a => Assert.Equal(PushOutcome.Acked, a.Outcome));
        }
    }

    [Fact]
    public async Task DuplicateDeliveryRate_SameSeed_SameChoices_AndZeroByDefault()
    {
        async Task<int[]> DuplicatedPositionsAsync(double rate, int seed)
        {
            await using var emulator = await StartAsync(rate, seed, outstanding: 1);
            var ids = Enumerable.Range(0, 100).Select(i => emulator.Publish("payments", "{}"u8.ToArray())).ToList();
            var attempts = await DrainAsync(emulator);
            return [.. attempts.Where(a => a.Duplicated).Select(a => ids.IndexOf(a.MessageId))];
        }

        var first = await DuplicatedPositionsAsync(0.3, 4);
        Assert.NotEmpty(first);
        Assert.Equal(first, await DuplicatedPositionsAsync(0.3, 4));
        Assert.Empty(await DuplicatedPositionsAsync(0, 4));
        Assert.Throws<ArgumentOutOfRangeException>(() => new PubSubPushEmulatorOptions { Topic = "t", PushEndpoint = new Uri("http://127.0.0.1/"), DuplicateDeliveryRate = 1.5 }.Validate());
    }

    [Fact]
    public async Task MaxOutstandingPushes_PushesThatManyAtOnce_InDueOrderOfResults()
    {
        _together = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        _togetherCount = 8;
        await using var emulator = await StartAsync(rate: 0, seed: 0, outstanding: 8);
        var ids = Enumerable.Range(0, 20).Select(i => emulator.Publish("payments", "{}"u8.ToArray())).ToList();

        var attempts = await emulator.DeliverDueAsync();

        Assert.Equal(8, Volatile.Read(ref _maxInFlight)); // the first eight were held until all eight were in flight
        Assert.Equal(ids, attempts.Select(a => a.MessageId));
        Assert.All(attempts, a => Assert.Equal(PushOutcome.Acked, a.Outcome));
        Assert.Equal(0, emulator.PendingCount);
    }

    private Task<PubSubPushEmulator> StartAsync(double rate, int seed, int outstanding)
    {
        var address = LoopbackServer.BaseAddress(_endpoint);
        return PubSubPushEmulator.StartAsync(new PubSubPushEmulatorOptions
        {
            Topic = "payments",
            PushEndpoint = new Uri(address, "/ledger-writer"),
            DeadLetterTopic = "payments-dead-letter",
            TimeProvider = _time,
            DuplicateDeliveryRate = rate,
            RandomSeed = seed,
            MaxOutstandingPushes = outstanding,
        });
    }

    private static async Task<List<PushAttempt>> DrainAsync(PubSubPushEmulator emulator)
    {
        var attempts = new List<PushAttempt>();
        for (var round = 0; round < 100 && emulator.PendingCount > 0; round++)
        {
            attempts.AddRange(await emulator.DeliverDueAsync()); // a duplicate is due at once, so no time passes
        }

        return attempts;
    }
}
