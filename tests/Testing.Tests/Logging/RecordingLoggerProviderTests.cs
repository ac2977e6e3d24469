using Microsoft.Extensions.Logging;

namespace Portable.Testing.Tests.Logging;

public sealed partial class RecordingLoggerProviderTests
{
    [LoggerMessage(EventId = 42, Level = LogLevel.Warning, Message = "Order {OrderId} took {Attempts} attempts")]
    private static partial void LogSlow(ILogger logger, string orderId, int attempts);

    [Fact]
    public void Log_ThroughAFactory_KeepsLevelCategoryEventIdMessageAndValues()
    {
        var logs = new RecordingLoggerProvider();
        using var factory = logs.CreateLoggerFactory();

        LogSlow(factory.CreateLogger("Orders"), "o-1", 3);

        var entry = Assert.Single(logs.Entries);
        Assert.Equal(LogLevel.Warning, entry.Level);
        Assert.Equal("Orders", entry.Category);
        Assert.Equal(42, entry.EventId.Id);
        Assert.Equal("Order o-1 took 3 attempts", entry.Message);
        Assert.Equal("Order {OrderId} took {Attempts} attempts", entry.MessageTemplate);
        Assert.Equal("o-1", entry.Values["OrderId"]);
        Assert.Equal(3, entry.Values["Attempts"]);
        Assert.False(entry.Values.ContainsKey("{OriginalFormat}"));
    }

    [Fact]
    public void Log_InsideScopes_KeepsTheScopesValuesInnerWinning()
    {
        var logs = new RecordingLoggerProvider();
        using var factory = logs.CreateLoggerFactory();
        var logger = factory.CreateLogger("Orders");

        using (logger.BeginScope(new Dictionary<string, object?> { ["Tenant"] = "t-1", ["Step"] = "outer" }))
        using (logger.BeginScope("Step {Step}", "inner"))
        {
            logger.LogInformation("inside");
        }

        logger.LogInformation("outside");

        var (inside, outside) = (logs.Entries[0], logs.Entries[1]);
        Assert.Equal("t-1", inside.ScopeValues["Tenant"]);
        Assert.Equal("inner", inside.ScopeValues["Step"]);
        Assert.Empty(outside.ScopeValues);
    }

    [Fact]
    public void Log_WithoutAFactory_ScopesStillRecorded()
    {
        var logs = new RecordingLoggerProvider();
        var logger = logs.CreateLogger("Direct");

        using (logger.BeginScope(new Dictionary<string, object?> { ["InvocationId"] = "inv-1" }))
        {
            logger.LogError(new InvalidOperationException("boom"), "failed");
        }

        var entry = Assert.Single(logs.Entries);
        Assert.Equal("inv-1", entry.ScopeValues["InvocationId"]);
        Assert.IsType<InvalidOperationException>(entry.Exception);
    }

    [Fact]
    public void Queries_FilterByEventIdLevelAndCategory_AndClearForgets()
    {
        var logs = new RecordingLoggerProvider();
        logs.CreateLogger("A").LogInformation(new EventId(1), "one");
        logs.CreateLogger("B").LogWarning(new EventId(2), "two");
        logs.CreateLogger("B").LogError(new EventId(2), "three");

        Assert.Equal(["two", "three"], logs.WithEventId(2).Select(e => e.Message));
        Assert.Equal(["two", "three"], logs.AtLeast(LogLevel.Warning).Select(e => e.Message));
        Assert.Equal(["one"], logs.InCategory("A").Select(e => e.Message));

        logs.Clear();
        Assert.Empty(logs.Entries);
    }

    [Fact]
    public void Entries_IsASnapshot()
    {
        var logs = new RecordingLoggerProvider();
        var logger = logs.CreateLogger("A");
        logger.LogInformation("one");

        var before = logs.Entries;
        logger.LogInformation("two");

        Assert.Single(before);
        Assert.Equal(2, logs.Entries.Count);
    }
}
