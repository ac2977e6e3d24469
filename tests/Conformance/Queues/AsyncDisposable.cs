namespace Portable.Conformance.Queues;

/// <summary>Something to dispose, given as a delegate (an engine fixture's <c>DisposeAsync</c>).</summary>
internal sealed class AsyncDisposable(Func<Task> dispose) : IAsyncDisposable
{
    public async ValueTask DisposeAsync() => await dispose();
}
