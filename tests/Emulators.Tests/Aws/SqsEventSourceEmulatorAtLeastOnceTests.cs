using System.Collections.Concurrent;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.Time.Testing;
using Portable.Emulators.Aws;

namespace Portable.Emulators.Tests.Aws;

/// <summary>
/// The SQS event source emulator's at-least-once knob (<see cref="SqsEventSourceEmulatorOptions.DuplicateDeliveryRate"/>)
/// and concurrent pollers (<see cref="SqsEventSourceEmulatorOptions.MaxConcurrentPolls"/>), with minimal runtimes
/// speaking the Runtime API over HTTP and answering every batch with no failures.
/// </summary>
public sealed class SqsEventSourceEmulatorAtLeastOnceTests : IAsyncLifetime
{
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 11, 1, 12, 0, 0, TimeSpan.Zero));
    private readonly CancellationTokenSource _stop = new();
    private readonly ConcurrentQueue<(string MessageId, int ReceiveCount)> _records = new();
    private readonly List<Task> _runtimes = [];
    private LambdaRuntimeApiEmulator _lambda = null!;
    private TaskCompletionSource? _together;
    private int _togetherCount;
    private int _inFlight;

    public async Task InitializeAsync() => _lambda = await LambdaRuntimeApiEmulator.StartAsync();

    public async Task DisposeAsync()
    {
        await _stop.CancelAsync();
        await _lambda.DisposeAsync();
        await Task.WhenAny(Task.WhenAll(_runtimes), Task.Delay(TimeSpan.FromSeconds(5)));
        _stop.Dispose();
    }

    [Fact]
    public async Task DuplicateDeliveryRate_SomeDeletedMessagesComeBackOnceWithTheSameId()
    {
        StartRuntimes(1);
        await using var sqs = await StartAsync(rate: 0.3, seed: 5, concurrentPolls: 1);
        var ids = Enumerable.Range(0, 200).Select(i => sqs.Send($"m{i}")).ToList();

        var polls = await DrainAsync(sqs);

        Assert.Empty(sqs.Messages());
        Assert.Empty(sqs.DeadLetters);
        var duplicated = sqs.DuplicatedMessageIds;
        Assert.Equal(duplicated, polls.SelectMany(p => p.Duplicated));
        Assert.InRange(duplicated.Count, 30, 90); // about 60 of 200
        Assert.Equal(duplicated.Count, duplicated.Distinct().Count());
        foreach (var id in ids)
        {
            var receives = _records.Where(r => r.MessageId == id).Select(r => r.ReceiveCount).ToList();
            // Deleted, then received once more under the same id with the next ApproximateReceiveCount.
            Assert.Equal(duplicated.Contains(id) ? new[] { 1, 2 } : new[] { 1 }, receives);
        }
    }

    [Fact]
    public async Task DuplicateDeliveryRate_SameSeed_SameChoices_AndZeroByDefault()
    {
        StartRuntimes(1);
        async Task<int[]> DuplicatedPositionsAsync(double rate, int seed)
        {
            await using var sqs = await StartAsync(rate, seed, concurrentPolls: 1);
            var ids = Enumerable.Range(0, 100).Select(i => sqs.Send($"m{i}")).ToList();
            await DrainAsync(sqs);
            return [.. sqs.DuplicatedMessageIds.Select(id => ids.IndexOf(id))];
        }

        var first = await DuplicatedPositionsAsync(0.3, 3);
        Assert.NotEmpty(first);
        Assert.Equal(first, await DuplicatedPositionsAsync(0.3, 3));
        Assert.Empty(await DuplicatedPositionsAsync(0, 3));
        Assert.Equal(0, new SqsEventSourceEmulatorOptions { QueueName = "q" }.DuplicateDeliveryRate);
    }

    [Fact]
    public async Task MaxConcurrentPolls_BatchesGoToSeveralRuntimesAtOnce()
    {
        _together = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        _togetherCount = 3;
        StartRuntimes(3);
        await using var sqs = await StartAsync(rate: 0, seed: 0, concurrentPolls: 3);
        var ids = Enumerable.Range(0, 30).Select(i => sqs.Send($"m{i}")).ToList();

        // Three polls at once: each runtime holds its batch until all three batches are in flight.
        var polls = await Task.WhenAll(Enumerable.Range(0, 3).Select(_ => sqs.PollOnceAsync()));

        Assert.All(polls, p => Assert.True(p.Invocation!.IsSuccess));
        Assert.Equal(ids.Order(), polls.SelectMany(p => p.Deleted).Order());
        Assert.Empty(sqs.Messages());
    }

    private Task<SqsEventSourceEmulator> StartAsync(double rate, int seed, int concurrentPolls) =>
        SqsEventSourceEmulator.StartAsync(_lambda, new SqsEventSourceEmulatorOptions
        {
            QueueName = "jobs",
            BatchSize = 10,
            TimeProvider = _time,
            DuplicateDeliveryRate = rate,
            RandomSeed = seed,
            MaxConcurrentPolls = concurrentPolls,
        });

    private async Task<List<SqsPollResult>> DrainAsync(SqsEventSourceEmulator sqs)
    {
        var polls = new List<SqsPollResult>();
        for (var round = 0; round < 1000; round++)
        {
            var poll = await sqs.PollOnceAsync();
            if (poll.Invocation is { } invocation)
            {
                Assert.True(invocation.IsSuccess, invocation.ErrorBodyText);
                polls.Add(poll);
                continue;
            }

            if (sqs.Messages() is not { Count: > 0 } left)
            {
                return polls;
            }

            _time.Advance(left.Min(m => m.VisibleAt) - _time.GetUtcNow()); // a duplicate comes back after the visibility timeout
        }

        throw new InvalidOperationException("The queue did not drain.");
    }

    /// <summary>Runtimes that answer every batch with an empty <c>batchItemFailures</c>, recording each record's id and receive count.</summary>
    private void StartRuntimes(int count)
    {
        for (var i = 0; i < count; i++)
        {
            _runtimes.Add(Task.Run(async () =>
            {
                using var client = new HttpClient { BaseAddress = _lambda.BaseAddress, Timeout = Timeout.InfiniteTimeSpan };
                while (!_stop.IsCancellationRequested)
                {
                    HttpResponseMessage next;
                    try
                    {
                        next = await client.GetAsync(new Uri("2018-06-01/runtime/invocation/next", UriKind.Relative), _stop.Token);
                    }
                    catch (Exception ex) when (ex is OperationCanceledException or HttpRequestException)
                    {
                        return;
                    }

                    using (next)
                    {
                        var requestId = next.Headers.GetValues("Lambda-Runtime-Aws-Request-Id").Single();
                        using var sqsEvent = JsonDocument.Parse(await next.Content.ReadAsStringAsync());
                        foreach (var record in sqsEvent.RootElement.GetProperty("Records").EnumerateArray())
                        {
                            _records.Enqueue((record.GetProperty("messageId").GetString()!, int.Parse(record.GetProperty("attributes").GetProperty("ApproximateReceiveCount").GetString()!, System.Globalization.CultureInfo.InvariantCulture)));
                        }

                        if (_together is { } together)
                        {
                            if (Interlocked.Increment(ref _inFlight) >= _togetherCount)
                            {
                                together.TrySetResult();
                            }

                            await together.Task.WaitAsync(TimeSpan.FromSeconds(10));
                        }

                        using var answer = new StringContent("""{"batchItemFailures":[]}""", Encoding.UTF8, "application/json");
                        using var posted = await client.PostAsync(new Uri($"2018-06-01/runtime/invocation/{requestId}/response", UriKind.Relative), answer);
                    }
                }
            }));
        }
    }
}
