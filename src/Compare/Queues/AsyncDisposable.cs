namespace Portable.Compare.Queues;

/// <summary>Something to dispose, given as a delegate.</summary>
internal sealed class AsyncDisposable(Func<ValueTask> dispose) : IAsyncDisposable
{
    public ValueTask DisposeAsync() => dispose();
}
