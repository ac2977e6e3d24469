using System.Text.Json;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Time.Testing;
using Portable.Aws.Logging;
using Portable.Aws.Runtime;

namespace Portable.Aws.Tests.Logging;

[Collection(ProcessEnvironmentCollection.Name)]
public sealed class JsonLinesLoggerProviderTests
{
    private const string Trace = "Root=1-5759e988-bd862e3fe1be46a994272793;Parent=53995c3f42cd8ad8;Sampled=1";

    private static JsonElement[] Lines(StringWriter output) =>
        [.. output.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => JsonDocument.Parse(l).RootElement)];

    // The one line logged after `arrange` has set the provider's invocation.
    private static JsonElement LineAfter(Action<JsonLinesLoggerProvider> arrange)
    {
        using var output = new StringWriter();
        using var provider = new JsonLinesLoggerProvider(new FakeTimeProvider(), output);
        arrange(provider);
        provider.CreateLogger("Test").LogInformation("hello");
        return Assert.Single(Lines(output));
    }

    [Fact]
    public void SetInvocation_ThenLog_LineCarriesRequestIdAndTraceId()
    {
        var line = LineAfter(p => p.SetInvocation("req-1", Trace));

        Assert.Equal("req-1", line.GetProperty("requestId").GetString());
        Assert.Equal(Trace, line.GetProperty("xrayTraceId").GetString());
    }

    [Fact]
    public void SetInvocation_Null_LinesCarryNeitherId()
    {
        string? traceAfter = "unset";
        var line = LineAfter(p =>
        {
            p.SetInvocation("req-1", Trace);
            p.SetInvocation(null, null);
            traceAfter = p.TraceId;
        });

        Assert.False(line.TryGetProperty("requestId", out _));
        Assert.False(line.TryGetProperty("xrayTraceId", out _));
        Assert.Null(traceAfter);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    public void SetInvocation_NoTraceId_LineHasRequestIdOnly(string? trace)
    {
        var line = LineAfter(p => p.SetInvocation("req-1", trace));

        Assert.Equal("req-1", line.GetProperty("requestId").GetString());
        Assert.False(line.TryGetProperty("xrayTraceId", out _));
    }

    [Fact]
    public void SetInvocation_EnvironmentHoldsAnotherTrace_LinesTakeTheGivenOne()
    {
        var before = Environment.GetEnvironmentVariable(LambdaBootstrap.TraceIdVariable);
        JsonElement line;
        try
        {
            Environment.SetEnvironmentVariable(LambdaBootstrap.TraceIdVariable, "Root=1-00000000-from-the-environment");
            line = LineAfter(p => p.SetInvocation("req-1", Trace));
        }
        finally
        {
            Environment.SetEnvironmentVariable(LambdaBootstrap.TraceIdVariable, before);
        }

        Assert.Equal(Trace, line.GetProperty("xrayTraceId").GetString());
    }

    [Fact]
    public void RequestId_Set_TakesTheTraceIdOnceAndKeepsItWhileTheEnvironmentChanges()
    {
        using var output = new StringWriter();
        using var provider = new JsonLinesLoggerProvider(new FakeTimeProvider(), output);
        var logger = provider.CreateLogger("Test");
        var before = Environment.GetEnvironmentVariable(LambdaBootstrap.TraceIdVariable);
        try
        {
            Environment.SetEnvironmentVariable(LambdaBootstrap.TraceIdVariable, Trace);
            provider.RequestId = "req-1";
            Environment.SetEnvironmentVariable(LambdaBootstrap.TraceIdVariable, "Root=1-00000000-changed-later");
            logger.LogInformation("first");
            Environment.SetEnvironmentVariable(LambdaBootstrap.TraceIdVariable, null);
            logger.LogInformation("second");
        }
        finally
        {
            Environment.SetEnvironmentVariable(LambdaBootstrap.TraceIdVariable, before);
        }

        var lines = Lines(output);
        Assert.Equal(2, lines.Length);
        Assert.All(lines, l => Assert.Equal(Trace, l.GetProperty("xrayTraceId").GetString()));
        Assert.All(lines, l => Assert.Equal("req-1", l.GetProperty("requestId").GetString()));
        Assert.Equal(Trace, provider.TraceId);
    }
}
