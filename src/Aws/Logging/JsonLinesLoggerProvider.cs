using System.Buffers;
using System.Text.Json;
using Microsoft.Extensions.Logging;
using Portable.Aws.Runtime;

namespace Portable.Aws.Logging;

/// <summary>
/// Writes one JSON object per line to stdout — the shape CloudWatch Logs and Lambda's JSON log format read
/// (<c>timestamp</c>, <c>level</c>, <c>message</c>, <c>requestId</c>, <c>xrayTraceId</c>) — with <see cref="Utf8JsonWriter"/>, so it is
/// AOT-safe and needs no console-logging package.
/// </summary>
public sealed class JsonLinesLoggerProvider : ILoggerProvider
{
    private readonly Stream? _stdout;
    private readonly TextWriter? _output;
    private readonly TimeProvider _time;
    private readonly Lock _gate = new();

    /// <summary>
    /// Creates a provider writing to <paramref name="output"/>, or when null straight to the stdout stream: each line
    /// is UTF-8 already, so it goes out in one write with no <see cref="Console.Out"/> encoder in between.
    /// </summary>
    public JsonLinesLoggerProvider(TimeProvider timeProvider, TextWriter? output = null)
    {
        _time = timeProvider ?? throw new ArgumentNullException(nameof(timeProvider));
        _output = output;
        _stdout = output is null ? Console.OpenStandardOutput() : null;
    }

    /// <summary>Lines below this level are not written (Trace, so everything, unless set).</summary>
    public LogLevel MinimumLevel { get; init; } = LogLevel.Trace;

    // The invocation being served, swapped whole so that a line never pairs one invocation's request id with another's trace.
    private volatile InvocationIds? _invocation;

    /// <summary>
    /// The Lambda request id being served, added to every line while set. Setting it also takes the invocation's
    /// trace id from <c>_X_AMZN_TRACE_ID</c>, once, which the bootstrap sets before it announces the request id;
    /// <see cref="SetInvocation"/> takes both from the caller instead.
    /// </summary>
    public string? RequestId
    {
        get => _invocation?.RequestId;
        set => SetInvocation(value, value is null ? null : Environment.GetEnvironmentVariable(LambdaBootstrap.TraceIdVariable));
    }

    /// <summary>The X-Ray trace id of the invocation being served (<c>xrayTraceId</c> on every line), or null.</summary>
    public string? TraceId => _invocation?.TraceId;

    /// <summary>
    /// Starts (or, with a null <paramref name="requestId"/>, ends) the invocation whose ids go on every line: set once
    /// per invocation, so writing a line reads a field, not the process environment.
    /// </summary>
    public void SetInvocation(string? requestId, string? traceId) =>
        _invocation = requestId is null ? null : new InvocationIds(requestId, string.IsNullOrEmpty(traceId) ? null : traceId);

    /// <inheritdoc />
    public ILogger CreateLogger(string categoryName) => new JsonLinesLogger(this, categoryName);

    /// <inheritdoc />
    public void Dispose()
    {
        _output?.Flush();
        _stdout?.Dispose();
    }

    // Log lines are read as text, not embedded in HTML: escape only what JSON requires (no \u002B for '+', \u0027 for ').
    private static readonly JsonWriterOptions WriterOptions = new() { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    private static string LevelName(LogLevel level) => level switch
    {
        LogLevel.Trace => "TRACE",
        LogLevel.Debug => "DEBUG",
        LogLevel.Information => "INFO",
        LogLevel.Warning => "WARN",
        LogLevel.Error => "ERROR",
        _ => "FATAL",
    };

    private void Write(LogLevel level, string category, EventId eventId, string message, Exception? exception)
    {
        var buffer = new ArrayBufferWriter<byte>(256);
        using (var writer = new Utf8JsonWriter(buffer, WriterOptions))
        {
            writer.WriteStartObject();
            writer.WriteString("timestamp", _time.GetUtcNow().UtcDateTime); // ISO 8601 in UTC with a Z, as Lambda's own lines
            writer.WriteString("level", LevelName(level));
            writer.WriteString("category", category);
            if (eventId.Id != 0)
            {
                writer.WriteNumber("eventId", eventId.Id);
            }

            writer.WriteString("message", message);
            if (_invocation is { } invocation)
            {
                writer.WriteString("requestId", invocation.RequestId);
                if (invocation.TraceId is { } traceId)
                {
                    writer.WriteString("xrayTraceId", traceId);
                }
            }

            if (exception is not null)
            {
                writer.WriteString("errorType", exception.GetType().Name);
                writer.WriteString("stackTrace", exception.ToString());
            }

            writer.WriteEndObject();
        }

        lock (_gate)
        {
            if (_stdout is not null)
            {
                buffer.Write("\n"u8);
                _stdout.Write(buffer.WrittenSpan); // unbuffered: one write(2) per line, as Lambda's log capture expects
            }
            else
            {
                _output!.WriteLine(System.Text.Encoding.UTF8.GetString(buffer.WrittenSpan));
                _output.Flush();
            }
        }
    }

    private sealed record InvocationIds(string RequestId, string? TraceId);

    private sealed class JsonLinesLogger(JsonLinesLoggerProvider owner, string category) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => logLevel != LogLevel.None && logLevel >= owner.MinimumLevel;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            if (IsEnabled(logLevel))
            {
                owner.Write(logLevel, category, eventId, formatter(state, exception), exception);
            }
        }
    }
}
