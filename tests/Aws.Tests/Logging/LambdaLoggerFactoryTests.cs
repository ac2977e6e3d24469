using System.Text.Json;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Time.Testing;
using Portable.Aws.Logging;

namespace Portable.Aws.Tests.Logging;

public sealed class LambdaLoggerFactoryTests
{
    [Fact]
    public void CreateLogger_WarnMinimum_WritesWarningsAndAboveOnly()
    {
        using var output = new StringWriter();
        using var factory = new LambdaLoggerFactory(new JsonLinesLoggerProvider(new FakeTimeProvider(), output) { MinimumLevel = LogLevel.Warning });
        var logger = factory.CreateLogger("Portable.Test");

        logger.LogInformation("not written");
        logger.LogWarning("written {Count}", 1);
        logger.LogError("also written");

        var lines = output.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(2, lines.Length);
        Assert.False(logger.IsEnabled(LogLevel.Information));
        Assert.True(logger.IsEnabled(LogLevel.Warning));
        using var first = JsonDocument.Parse(lines[0]);
        Assert.Equal("WARN", first.RootElement.GetProperty("level").GetString());
        Assert.Equal("written 1", first.RootElement.GetProperty("message").GetString());
        Assert.Equal("Portable.Test", first.RootElement.GetProperty("category").GetString());
    }

    [Fact]
    public void CreateLogger_DefaultMinimum_WritesEverythingButNone()
    {
        using var output = new StringWriter();
        using var factory = new LambdaLoggerFactory(new JsonLinesLoggerProvider(new FakeTimeProvider(), output));
        var logger = factory.CreateLogger("Portable.Test");

        logger.LogTrace("trace");
        logger.Log(LogLevel.None, "none");

        var line = Assert.Single(output.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.Contains("\"TRACE\"", line, StringComparison.Ordinal);
    }

    [Fact]
    public void AddProvider_AnotherProvider_RefusedWithReason()
    {
        using var factory = new LambdaLoggerFactory(new JsonLinesLoggerProvider(new FakeTimeProvider(), TextWriter.Null));
        using var other = new JsonLinesLoggerProvider(new FakeTimeProvider(), TextWriter.Null);

        var refused = Assert.Throws<NotSupportedException>(() => factory.AddProvider(other));
        Assert.Contains("stdout", refused.Message, StringComparison.Ordinal);
    }
}
