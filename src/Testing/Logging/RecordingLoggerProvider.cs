using Microsoft.Extensions.Logging;

namespace Portable.Testing;

/// <summary>
/// A logger provider that keeps every entry in memory, for asserting on what a function or a host logged: level,
/// category, event id, message, exception, structured values and scope values (the invocation's
/// <c>FunctionName</c> and <c>InvocationId</c>, for example). Thread-safe; the Functions Framework's
/// <c>MemoryLogger</c> is the model.
/// </summary>
public sealed class RecordingLoggerProvider : ILoggerProvider, ISupportExternalScope
{
    private const string OriginalFormat = "{OriginalFormat}";

    private readonly Lock _gate = new();
    private readonly List<LogEntry> _entries = [];
    private IExternalScopeProvider _scopes = new LoggerExternalScopeProvider();

    /// <summary>Every entry so far, in the order written (a snapshot: later entries do not appear in it).</summary>
    public IReadOnlyList<LogEntry> Entries
    {
        get
        {
            lock (_gate)
            {
                return [.. _entries];
            }
        }
    }

    /// <summary>The entries with event id <paramref name="eventId"/>.</summary>
    public IReadOnlyList<LogEntry> WithEventId(int eventId) => [.. Entries.Where(e => e.EventId.Id == eventId)];

    /// <summary>The entries at <paramref name="minimum"/> or above (<see cref="LogLevel.Warning"/> gives warnings, errors and critical ones).</summary>
    public IReadOnlyList<LogEntry> AtLeast(LogLevel minimum) => [.. Entries.Where(e => e.Level >= minimum)];

    /// <summary>The entries written by loggers of <paramref name="category"/>.</summary>
    public IReadOnlyList<LogEntry> InCategory(string category) => [.. Entries.Where(e => string.Equals(e.Category, category, StringComparison.Ordinal))];

    /// <summary>Forgets every entry so far.</summary>
    public void Clear()
    {
        lock (_gate)
        {
            _entries.Clear();
        }
    }

    /// <summary>
    /// A logger factory writing only to this provider, at every level: for code that takes an
    /// <see cref="ILoggerFactory"/> rather than a container. The caller disposes it.
    /// </summary>
    public ILoggerFactory CreateLoggerFactory() => LoggerFactory.Create(builder => builder.AddProvider(this).SetMinimumLevel(LogLevel.Trace));

    /// <inheritdoc />
    public ILogger CreateLogger(string categoryName) => new Logger(this, categoryName);

    /// <inheritdoc />
    public void SetScopeProvider(IExternalScopeProvider scopeProvider)
    {
        ArgumentNullException.ThrowIfNull(scopeProvider);
        _scopes = scopeProvider;
    }

    /// <inheritdoc />
    public void Dispose()
    {
    }

    private void Add<TState>(string category, LogLevel level, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
    {
        string? template = null;
        var values = new Dictionary<string, object?>(StringComparer.Ordinal);
        if (state is IEnumerable<KeyValuePair<string, object?>> pairs)
        {
            foreach (var (name, value) in pairs)
            {
                if (name == OriginalFormat)
                {
                    template = value as string;
                }
                else
                {
                    values[name] = value;
                }
            }
        }

        var scope = new Dictionary<string, object?>(StringComparer.Ordinal);
        _scopes.ForEachScope(
            static (current, into) =>
            {
                if (current is IEnumerable<KeyValuePair<string, object?>> scopePairs)
                {
                    foreach (var (name, value) in scopePairs)
                    {
                        if (name != OriginalFormat)
                        {
                            into[name] = value;
                        }
                    }
                }
            },
            scope);

        var entry = new LogEntry(level, category, eventId, formatter(state, exception), exception, template, values, scope);
        lock (_gate)
        {
            _entries.Add(entry);
        }
    }

    private sealed class Logger(RecordingLoggerProvider owner, string category) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => owner._scopes.Push(state);

        public bool IsEnabled(LogLevel logLevel) => logLevel != LogLevel.None;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            ArgumentNullException.ThrowIfNull(formatter);
            if (IsEnabled(logLevel))
            {
                owner.Add(category, logLevel, eventId, state, exception, formatter);
            }
        }
    }
}
