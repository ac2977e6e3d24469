using Polly;
using Polly.Retry;
using Portable.Core.Resilience;
using Portable.Core.State;

namespace Portable.TestKit;

/// <summary>
/// A state store whose chosen writes land and then fail with a <see cref="TransientException"/>, as a call does whose
/// answer is lost on the way back (a timeout, a dropped connection): wrapped in a <see cref="ResilientStateStore"/>,
/// the retry then meets its own write. <paramref name="loses"/> is asked about every insert and replace that landed,
/// with its collection and kind (<c>insert</c>, <c>replace</c>), and says whether to lose its answer; <see cref="Lost"/>
/// counts the answers lost.
/// </summary>
public sealed class AnswerLosingStateStore(IStateStore inner, Func<string, string, bool> loses) : DelegatingStateStore(inner)
{
    private int _lost;

    /// <summary>Retries a <see cref="TransientException"/> at once, up to three times: a state pipeline without the waits.</summary>
    public static ResiliencePipeline RetryTransient { get; } = new ResiliencePipelineBuilder()
        .AddRetry(new RetryStrategyOptions { ShouldHandle = new PredicateBuilder().Handle<TransientException>(), Delay = TimeSpan.Zero, MaxRetryAttempts = 3 })
        .Build();

    /// <summary>How many answers were lost.</summary>
    public int Lost => Volatile.Read(ref _lost);

    public override async ValueTask<StateWriteResult> InsertAsync(string collection, string key, ReadOnlyMemory<byte> value, DateTimeOffset? expiresAt = null, CancellationToken cancellationToken = default) =>
        Lose(await Inner.InsertAsync(collection, key, value, expiresAt, cancellationToken), collection, "insert");

    public override async ValueTask<StateWriteResult> ReplaceAsync(string collection, string key, ReadOnlyMemory<byte> value, string ifMatch, DateTimeOffset? expiresAt = null, CancellationToken cancellationToken = default) =>
        Lose(await Inner.ReplaceAsync(collection, key, value, ifMatch, expiresAt, cancellationToken), collection, "replace");

    private StateWriteResult Lose(StateWriteResult written, string collection, string kind)
    {
        if (written.Succeeded && loses(collection, kind))
        {
            Interlocked.Increment(ref _lost);
            throw new TransientException($"The answer to a {kind} in '{collection}' was lost after the write landed.");
        }

        return written;
    }
}
