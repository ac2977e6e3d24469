using System.Text.Json;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Portable.Gcp.Logging;

namespace Portable.Gcp.Tests.Logging;

public sealed class CloudLoggingFormatterTests
{
    private static string Format(LogLevel level, string message, Exception? exception = null, IExternalScopeProvider? scopes = null)
    {
        using var writer = new StringWriter();
        var entry = new LogEntry<string>(level, "Portable.Test", new EventId(42), message, exception, static (s, _) => s);
        new CloudLoggingFormatter().Write(in entry, scopes, writer);
        return writer.ToString();
    }

    [Fact]
    public void Write_Information_WritesOneJsonLineWithSeverityAndMessage()
    {
        var line = Format(LogLevel.Information, "Hello <world> \"quoted\"");

        Assert.EndsWith("\n", line, StringComparison.Ordinal);
        Assert.Single(line.TrimEnd('\n').Split('\n'));
        using var json = JsonDocument.Parse(line);
        Assert.Equal("INFO", json.RootElement.GetProperty("severity").GetString());
        Assert.Equal("Hello <world> \"quoted\"", json.RootElement.GetProperty("message").GetString());
        Assert.Equal("Portable.Test", json.RootElement.GetProperty("category").GetString());
        Assert.Equal(42, json.RootElement.GetProperty("eventId").GetInt32());
        Assert.False(json.RootElement.TryGetProperty("logging.googleapis.com/trace", out _));
    }

    [Fact]
    public void Write_InsideTraceScope_WritesCloudLoggingTraceField()
    {
        var scopes = new LoggerExternalScopeProvider();
        using (scopes.Push(new CloudTraceScope("projects/demo/traces/0af7651916cd43dd8448eb211c80319c")))
        {
            using var json = JsonDocument.Parse(Format(LogLevel.Warning, "slow", scopes: scopes));
            Assert.Equal("projects/demo/traces/0af7651916cd43dd8448eb211c80319c", json.RootElement.GetProperty("logging.googleapis.com/trace").GetString());
        }
    }

    [Fact]
    public void Write_Exception_WritesStackTraceForErrorReporting()
    {
        Exception thrown;
        try
        {
            throw new InvalidOperationException("boom");
        }
        catch (InvalidOperationException ex)
        {
            thrown = ex;
        }

        using var json = JsonDocument.Parse(Format(LogLevel.Error, "failed", thrown));

        Assert.Equal("ERROR", json.RootElement.GetProperty("severity").GetString());
        Assert.Contains("InvalidOperationException: boom", json.RootElement.GetProperty("stack_trace").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public void Write_EmptyMessageWithoutException_WritesNothing()
    {
        Assert.Equal(string.Empty, Format(LogLevel.Information, string.Empty));
    }

    [Theory]
    [InlineData(LogLevel.Trace, "DEBUG")]
    [InlineData(LogLevel.Debug, "DEBUG")]
    [InlineData(LogLevel.Information, "INFO")]
    [InlineData(LogLevel.Warning, "WARNING")]
    [InlineData(LogLevel.Error, "ERROR")]
    [InlineData(LogLevel.Critical, "CRITICAL")]
    public void Severity_LogLevel_MapsToCloudLoggingSeverity(LogLevel level, string severity)
    {
        Assert.Equal(severity, CloudLoggingFormatter.Severity(level));
    }
}
