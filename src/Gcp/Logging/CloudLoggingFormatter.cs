using System.Buffers;
using System.Runtime.CompilerServices;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Logging.Console;

namespace Portable.Gcp.Logging;

/// <summary>
/// Writes each log entry as one line of JSON in the shape Cloud Logging parses from a container's stdout:
/// <c>severity</c>, <c>message</c>, <c>logging.googleapis.com/trace</c> when the request has a trace, and
/// <c>stack_trace</c> (which Error Reporting reads) for exceptions. Built on <see cref="Utf8JsonWriter"/>: no reflection.
/// </summary>
internal sealed class CloudLoggingFormatter() : ConsoleFormatter(FormatterName)
{
    /// <summary>The name the console logger selects this formatter by.</summary>
    public const string FormatterName = "cloud-logging";

    private static readonly JsonWriterOptions WriterOptions = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    /// <inheritdoc />
    public override void Write<TState>(in LogEntry<TState> logEntry, IExternalScopeProvider? scopeProvider, TextWriter textWriter)
    {
        ArgumentNullException.ThrowIfNull(textWriter);
        var message = logEntry.Formatter(logEntry.State, logEntry.Exception);
        if (string.IsNullOrEmpty(message) && logEntry.Exception is null)
        {
            return;
        }

        var trace = new StrongBox<string?>();
        scopeProvider?.ForEachScope(static (scope, found) => found.Value ??= (scope as CloudTraceScope)?.ResourceName, trace);

        var buffer = new ArrayBufferWriter<byte>(256);
        using (var json = new Utf8JsonWriter(buffer, WriterOptions))
        {
            json.WriteStartObject();
            json.WriteString("severity", Severity(logEntry.LogLevel));
            json.WriteString("message", message);
            if (trace.Value is not null)
            {
                json.WriteString("logging.googleapis.com/trace", trace.Value);
            }

            json.WriteString("category", logEntry.Category);
            if (logEntry.EventId.Id != 0)
            {
                json.WriteNumber("eventId", logEntry.EventId.Id);
            }

            if (logEntry.Exception is not null)
            {
                json.WriteString("stack_trace", logEntry.Exception.ToString());
            }

            json.WriteEndObject();
        }

        textWriter.Write(Encoding.UTF8.GetString(buffer.WrittenSpan));
        textWriter.Write('\n');
    }

    /// <summary>Cloud Logging's <c>LogSeverity</c> names for .NET log levels.</summary>
    public static string Severity(LogLevel level) => level switch
    {
        LogLevel.Trace or LogLevel.Debug => "DEBUG",
        LogLevel.Information => "INFO",
        LogLevel.Warning => "WARNING",
        LogLevel.Error => "ERROR",
        LogLevel.Critical => "CRITICAL",
        _ => "DEFAULT",
    };
}

/// <summary>The logging scope the host opens around a request whose trace is known.</summary>
/// <param name="ResourceName">The value of <c>logging.googleapis.com/trace</c>.</param>
internal sealed record CloudTraceScope(string ResourceName)
{
    /// <inheritdoc />
    public override string ToString() => ResourceName;
}

/// <summary>Registers Cloud Logging's JSON shape as the only log output.</summary>
internal static class CloudLoggingExtensions
{
    /// <summary>
    /// Console logging to stdout with <see cref="CloudLoggingFormatter"/>; framework chatter below Warning is
    /// dropped (Cloud Run logs every request itself), and ASP.NET Core's hosting diagnostics category is off: while
    /// it is enabled at all, hosting starts an <see cref="System.Diagnostics.Activity"/> and opens a logging scope
    /// (request id, path) for every request, which the formatter never reads (it writes the trace from the host's own
    /// scope), at a cost of a few percent of a request's CPU. A tracing listener (OpenTelemetry) still gets its
    /// activity. The category's other lines are start-up failures, which also end the process with their exception.
    /// </summary>
    public static ILoggingBuilder AddCloudLogging(this ILoggingBuilder logging)
    {
        ArgumentNullException.ThrowIfNull(logging);
        logging.ClearProviders();
        logging.AddConsole(o => o.FormatterName = CloudLoggingFormatter.FormatterName);
        logging.Services.TryAddEnumerable(ServiceDescriptor.Singleton<ConsoleFormatter, CloudLoggingFormatter>());
        logging.SetMinimumLevel(LogLevel.Information).AddFilter("Microsoft", LogLevel.Warning)
            .AddFilter("Microsoft.AspNetCore.Hosting.Diagnostics", LogLevel.None);
        return logging;
    }
}
