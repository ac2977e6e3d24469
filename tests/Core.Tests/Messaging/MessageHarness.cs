using System.Collections.Concurrent;
using System.Text;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Time.Testing;
using Portable.Core.App;
using Portable.Core.Functions;
using Portable.Core.Http;
using Portable.Core.Invocation;
using Portable.Core.Messaging;
using Portable.Core.State;
using Portable.TestKit;
using Portable.Core.Patterns;

namespace Portable.Core.Tests.Messaging;

/// <summary>
/// A <see cref="MessageInvoker"/> wired as a host wires it — defaults (idempotency middleware included), the app,
/// a fake clock, an in-memory store (optionally wrapped) and a recording dead-letter sink.
/// </summary>
internal sealed class MessageHarness : IDisposable
{
    private readonly ServiceProvider _services;

    public MessageHarness(FunctionManifest? manifest = null, Func<IStateStore, IStateStore>? wrapStore = null, bool unconfiguredSink = false)
    {
        Memory = new InMemoryStateStore(Time);
        var services = new ServiceCollection();
        services.AddSingleton<TimeProvider>(Time);
        services.AddLogging(b => b.AddProvider(Logs).SetMinimumLevel(LogLevel.Debug));
        services.AddSingleton(wrapStore?.Invoke(Memory) ?? Memory);
        if (!unconfiguredSink)
        {
            services.AddSingleton<IDeadLetterSink>(DeadLetters);
        }

        services.AddPortableDefaults(_ => { });
        PatternsApp.App.AddTo(services);
        if (manifest is not null)
        {
            services.AddSingleton(manifest);
        }

        _services = services.BuildServiceProvider();
        Invoker = _services.GetRequiredService<MessageInvoker>();
    }

    /// <summary>The clock; starts at 2026-11-01T12:00Z.</summary>
    public FakeTimeProvider Time { get; } = new(new DateTimeOffset(2026, 11, 1, 12, 0, 0, TimeSpan.Zero));

    public RecordingLoggerProvider Logs { get; } = new();

    public RecordingDeadLetterSink DeadLetters { get; } = new();

    /// <summary>The store under any wrapper: what is really there.</summary>
    public InMemoryStateStore Memory { get; }

    public MessageInvoker Invoker { get; }

    public ValueTask<IReadOnlyList<MessageSettlement>> InvokeAsync(string function, params IncomingMessage[] batch) =>
        InvokeAsync(function, default, batch);

    public ValueTask<IReadOnlyList<MessageSettlement>> InvokeAsync(string function, InvocationInfo info, params IncomingMessage[] batch) =>
        Invoker.InvokeAsync(Invoker.GetFunction(function), batch, info, CancellationToken.None);

    public async Task<MessageSettlement> InvokeOneAsync(string function, IncomingMessage message, InvocationInfo info = default) =>
        Assert.Single(await InvokeAsync(function, info, message));

    /// <summary>Sends a GET through the host's <see cref="HttpInvoker"/>.</summary>
    public ValueTask<PortableHttpResponse> GetAsync(string path) =>
        _services.GetRequiredService<HttpInvoker>().InvokeAsync(
            new PortableHttpRequest { Method = "GET", Path = path, QueryString = string.Empty, Headers = HeaderMap.Empty, Body = ReadOnlyMemory<byte>.Empty },
            default,
            CancellationToken.None);

    public static IncomingMessage Message(string id, string body, string source = "orders", int deliveryCount = 1, IReadOnlyDictionary<string, string>? attributes = null) =>
        new()
        {
            Id = id,
            Body = Encoding.UTF8.GetBytes(body),
            Source = source,
            DeliveryCount = deliveryCount,
            Attributes = attributes ?? new Dictionary<string, string>(),
        };

    /// <summary>A manifest with one queue function, <c>fn</c>, on queue <c>orders</c>.</summary>
    public static FunctionManifest Queue(MessageHandler handler, QueueTriggerOptions? options = null) =>
        new FunctionManifestBuilder().AddQueue("fn", "orders", handler, options).Build();

    public void Dispose() => _services.Dispose();
}

/// <summary>Keeps every dead letter; throws instead while <see cref="Fail"/> is set.</summary>
internal sealed class RecordingDeadLetterSink : IDeadLetterSink
{
    public ConcurrentQueue<(IncomingMessage Message, string Reason)> Received { get; } = new();

    public bool Fail { get; set; }

    public ValueTask DeadLetterAsync(IncomingMessage message, string reason, CancellationToken cancellationToken = default)
    {
        if (Fail)
        {
            throw new IOException("dead-letter queue unreachable");
        }

        Received.Enqueue((message, reason));
        return ValueTask.CompletedTask;
    }
}
