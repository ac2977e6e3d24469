using System.Collections.Concurrent;
using System.Threading.Channels;
using Grpc.Core;
using RpcException = Grpc.Core.RpcException;
using Portable.Emulators.Azure.Isolated.Rpc;

namespace Portable.Emulators.Azure.Isolated;

/// <summary>
/// The host's end of one worker's <c>EventStream</c>: it accepts the stream that opens with the expected
/// <c>StartStream.worker_id</c>, writes outbound messages one at a time (a gRPC stream takes one writer), and hands
/// each inbound reply to whoever waits for it, by a key: the init and metadata responses by kind, load responses by
/// function id, invocation responses by invocation id, status responses by request id. When the stream ends every
/// wait fails, so nothing hangs on a worker that is gone.
/// </summary>
internal sealed class WorkerChannel(string workerId, Action<RpcLog> onLog)
{
    private readonly Channel<StreamingMessage> _outbox = Channel.CreateUnbounded<StreamingMessage>(new UnboundedChannelOptions { SingleReader = true });
    private readonly ConcurrentDictionary<string, TaskCompletionSource<StreamingMessage>> _waits = new(StringComparer.Ordinal);
    private readonly TaskCompletionSource _connected = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly TaskCompletionSource _closed = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private Func<Exception> _closedError = () => new InvalidOperationException("The worker's stream is closed.");
    private int _attached;

    /// <summary>Completes when the worker has opened its stream and said <c>StartStream</c>.</summary>
    public Task Connected => _connected.Task;

    /// <summary>Completes when the worker's stream has ended.</summary>
    public Task Closed => _closed.Task;

    /// <summary>What waits fail with once the stream is closed (the host fills in the exit code and output).</summary>
    public void SetClosedError(Func<Exception> error) => _closedError = error;

    /// <summary>Serves one <c>EventStream</c> call until the worker ends it or the server stops.</summary>
    public async Task RunAsync(IAsyncStreamReader<StreamingMessage> requests, IServerStreamWriter<StreamingMessage> responses, CancellationToken cancellationToken)
    {
        if (!await requests.MoveNext(cancellationToken).ConfigureAwait(false))
        {
            return;
        }

        var first = requests.Current;
        if (first.ContentCase != StreamingMessage.ContentOneofCase.StartStream || first.StartStream.WorkerId != workerId)
        {
            throw new RpcException(new Status(StatusCode.InvalidArgument, $"Expected StartStream from worker '{workerId}', got {first.ContentCase} '{first.StartStream?.WorkerId}'."));
        }

        if (Interlocked.Exchange(ref _attached, 1) == 1)
        {
            throw new RpcException(new Status(StatusCode.AlreadyExists, $"Worker '{workerId}' already has a stream."));
        }

        _connected.TrySetResult();
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var writing = WriteAsync(responses, stop.Token);
        try
        {
            while (await requests.MoveNext(cancellationToken).ConfigureAwait(false))
            {
                Dispatch(requests.Current);
            }
        }
        catch (Exception ex) when (ex is IOException or OperationCanceledException or RpcException)
        {
            // the worker went away or the server is stopping: the stream is over either way
        }
        finally
        {
            Close();
            await stop.CancelAsync().ConfigureAwait(false);
            await writing.ConfigureAwait(false);
        }
    }

    /// <summary>Queues a message for the worker.</summary>
    public void Send(StreamingMessage message)
    {
        if (!_outbox.Writer.TryWrite(message))
        {
            throw _closedError();
        }
    }

    /// <summary>Queues a message and returns the reply that will arrive under <paramref name="key"/>.</summary>
    public Task<StreamingMessage> RequestAsync(string key, StreamingMessage message)
    {
        var wait = new TaskCompletionSource<StreamingMessage>(TaskCreationOptions.RunContinuationsAsynchronously);
        if (!_waits.TryAdd(key, wait))
        {
            throw new InvalidOperationException($"A request is already waiting for '{key}'.");
        }

        if (_closed.Task.IsCompleted)
        {
            _waits.TryRemove(key, out _);
            return Task.FromException<StreamingMessage>(_closedError());
        }

        Send(message);
        return wait.Task;
    }

    /// <summary>Stops waiting for <paramref name="key"/> (a reply arriving later is dropped).</summary>
    public void Forget(string key) => _waits.TryRemove(key, out _);

    /// <summary>Ends the stream from the host's side: nothing more is written and every wait fails.</summary>
    public void Close()
    {
        _outbox.Writer.TryComplete();
        _closed.TrySetResult();
        foreach (var key in _waits.Keys)
        {
            if (_waits.TryRemove(key, out var wait))
            {
                wait.TrySetException(_closedError());
            }
        }
    }

    private async Task WriteAsync(IServerStreamWriter<StreamingMessage> responses, CancellationToken cancellationToken)
    {
        try
        {
            await foreach (var message in _outbox.Reader.ReadAllAsync(cancellationToken).ConfigureAwait(false))
            {
                await responses.WriteAsync(message, cancellationToken).ConfigureAwait(false);
            }
        }
        catch (Exception ex) when (ex is IOException or OperationCanceledException or InvalidOperationException or RpcException)
        {
            // the call ended under the writer
        }
    }

    private void Dispatch(StreamingMessage message)
    {
        var key = message.ContentCase switch
        {
            StreamingMessage.ContentOneofCase.RpcLog => null,
            StreamingMessage.ContentOneofCase.WorkerInitResponse => Keys.Init,
            StreamingMessage.ContentOneofCase.FunctionMetadataResponse => Keys.Metadata,
            StreamingMessage.ContentOneofCase.FunctionLoadResponse => Keys.Load(message.FunctionLoadResponse.FunctionId),
            StreamingMessage.ContentOneofCase.InvocationResponse => Keys.Invocation(message.InvocationResponse.InvocationId),
            StreamingMessage.ContentOneofCase.WorkerStatusResponse => Keys.Status(message.RequestId),
            _ => null, // anything else the host would not act on either
        };
        if (message.ContentCase == StreamingMessage.ContentOneofCase.RpcLog)
        {
            onLog(message.RpcLog);
        }
        else if (key is not null && _waits.TryRemove(key, out var wait))
        {
            wait.TrySetResult(message);
        }
    }

    /// <summary>The keys replies are awaited under.</summary>
    internal static class Keys
    {
        public const string Init = "init";
        public const string Metadata = "metadata";

        public static string Load(string functionId) => "load:" + functionId;

        public static string Invocation(string invocationId) => "invocation:" + invocationId;

        public static string Status(string requestId) => "status:" + requestId;
    }
}
