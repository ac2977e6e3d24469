using System.Diagnostics;

namespace Portable.Benchmarks;

/// <summary>What a timed load produced.</summary>
internal sealed record LoadResult(int Succeeded, int Failed, TimeSpan Elapsed, string? FirstFailure)
{
    public double RequestsPerSecond => Succeeded / Elapsed.TotalSeconds;
}

/// <summary>Keeps a fixed number of requests in flight for a fixed time: a closed loop, bounded in time and count.</summary>
internal static class LoadLoop
{
    /// <summary>Hard cap on requests per load, whatever the duration (the loop is bounded in count as well as time).</summary>
    public const int MaxRequests = 2_000_000;

    /// <summary>
    /// Runs <paramref name="concurrency"/> workers, each sending the next request as soon as its last one answered,
    /// until <paramref name="duration"/> has passed; requests in flight then finish and are counted.
    /// <paramref name="request"/> returns null on success or what went wrong.
    /// </summary>
    public static async Task<LoadResult> RunAsync(Func<Task<string?>> request, int concurrency, TimeSpan duration)
    {
        var succeeded = 0;
        var failed = 0;
        var started = 0;
        string? firstFailure = null;
        var clock = Stopwatch.StartNew();

        async Task WorkerAsync()
        {
            while (clock.Elapsed < duration && Interlocked.Increment(ref started) <= MaxRequests)
            {
                var failure = await request();
                if (failure is null)
                {
                    Interlocked.Increment(ref succeeded);
                }
                else
                {
                    Interlocked.Increment(ref failed);
                    Interlocked.CompareExchange(ref firstFailure, failure, null);
                }
            }
        }

        await Task.WhenAll(Enumerable.Range(0, concurrency).Select(_ => Task.Run(WorkerAsync)));
        return new LoadResult(succeeded, failed, clock.Elapsed, firstFailure);
    }
}
