using System.Collections.Concurrent;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Time.Testing;
using Portable.Core.App;
using Portable.Core.Functions;
using Portable.Core.Invocation;
using Portable.Core.Messaging;

namespace Portable.Aws.Tests.Queues;

/// <summary>A <see cref="MessageInvoker"/> wired as the bootstrap wires it, with a manifest of the test's and a recording dead-letter sink.</summary>
public sealed class QueueHarness : IDisposable
{
    private readonly ServiceProvider _services;

    public QueueHarness(FunctionManifest manifest, IDeadLetterSink? deadLetters = null)
    {
        var services = new ServiceCollection();
        services.AddSingleton<TimeProvider>(Time);
        services.AddLogging(b => b.SetMinimumLevel(LogLevel.Debug));
        services.AddSingleton(deadLetters ?? DeadLetters);
        services.AddPortableDefaults(o => o.Cloud = CloudProvider.Aws);
        services.AddSingleton(manifest);
        _services = services.BuildServiceProvider();
        Invoker = _services.GetRequiredService<MessageInvoker>();
    }

    public FakeTimeProvider Time { get; } = new(new DateTimeOffset(2026, 11, 1, 12, 0, 0, TimeSpan.Zero));

    public RecordingDeadLetterSink DeadLetters { get; } = new();

    public MessageInvoker Invoker { get; }

    public void Dispose() => _services.Dispose();
}

/// <summary>Keeps what was dead-lettered, with the reason.</summary>
public sealed class RecordingDeadLetterSink : IDeadLetterSink
{
    public ConcurrentQueue<(IncomingMessage Message, string Reason)> Letters { get; } = new();

    public ValueTask DeadLetterAsync(IncomingMessage message, string reason, CancellationToken cancellationToken = default)
    {
        Letters.Enqueue((message, reason));
        return ValueTask.CompletedTask;
    }
}
