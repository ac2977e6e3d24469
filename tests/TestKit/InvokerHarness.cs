using System.Collections.Concurrent;
using System.Text;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Time.Testing;
using Portable.Core.App;
using Portable.Core.Functions;
using Portable.Core.Http;
using Portable.Core.Invocation;
using Portable.Core.State;
using Portable.Core.Patterns;

namespace Portable.TestKit;

/// <summary>
/// An <see cref="HttpInvoker"/> wired as a host wires it — defaults, app, a fake clock, an in-memory store and
/// a logger that records — for tests that need Core's full invocation path without a server.
/// </summary>
public sealed class InvokerHarness : IDisposable
{
    private readonly ServiceProvider _services;

    /// <summary>Builds the harness; <paramref name="configure"/> may replace services before the app's are added.</summary>
    public InvokerHarness(Action<IServiceCollection>? configure = null, Action<PortableHostOptions>? options = null, FunctionManifest? manifest = null)
    {
        var services = new ServiceCollection();
        services.AddSingleton<TimeProvider>(Time);
        services.AddLogging(b => b.AddProvider(Logs).SetMinimumLevel(LogLevel.Debug));
        configure?.Invoke(services);
        services.AddPortableDefaults(o => options?.Invoke(o));
        PatternsApp.App.AddTo(services);
        if (manifest is not null)
        {
            services.AddSingleton(manifest);
        }

        _services = services.BuildServiceProvider();
        Invoker = _services.GetRequiredService<HttpInvoker>();
    }

    /// <summary>The clock; starts at 2026-11-01T12:00Z.</summary>
    public FakeTimeProvider Time { get; } = new(new DateTimeOffset(2026, 11, 1, 12, 0, 0, TimeSpan.Zero));

    /// <summary>Everything logged.</summary>
    public RecordingLoggerProvider Logs { get; } = new();

    /// <summary>The invoker under test.</summary>
    public HttpInvoker Invoker { get; }

    /// <summary>The store the handlers use.</summary>
    public IStateStore Store => _services.GetRequiredService<IStateStore>();

    /// <summary>Sends a request through the invoker.</summary>
    public ValueTask<PortableHttpResponse> SendAsync(string method, string pathAndQuery, string? json = null, params (string Name, string Value)[] headers)
    {
        var builder = new HeaderMap.Builder();
        if (json is not null)
        {
            builder.Add("Content-Type", "application/json");
        }

        foreach (var (name, value) in headers)
        {
            builder.Set(name, value);
        }

        var q = pathAndQuery.IndexOf('?', StringComparison.Ordinal);
        var request = new PortableHttpRequest
        {
            Method = method,
            Path = q < 0 ? pathAndQuery : pathAndQuery[..q],
            QueryString = q < 0 ? string.Empty : pathAndQuery[(q + 1)..],
            Headers = builder.Build(),
            Body = json is null ? ReadOnlyMemory<byte>.Empty : Encoding.UTF8.GetBytes(json),
        };
        return Invoker.InvokeAsync(request, default, CancellationToken.None);
    }

    /// <inheritdoc />
    public void Dispose() => _services.Dispose();
}

/// <summary>A logger provider that keeps every entry, for asserting on what was logged.</summary>
public sealed class RecordingLoggerProvider : ILoggerProvider
{
    /// <summary>The entries, in order.</summary>
    public ConcurrentQueue<(LogLevel Level, string Category, string Message, Exception? Exception)> Entries { get; } = new();

    /// <inheritdoc />
    public ILogger CreateLogger(string categoryName) => new Logger(this, categoryName);

    /// <inheritdoc />
    public void Dispose()
    {
    }

    private sealed class Logger(RecordingLoggerProvider owner, string category) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
            owner.Entries.Enqueue((logLevel, category, formatter(state, exception), exception));
    }
}
