using System.Reflection;
using Microsoft.Extensions.Logging;
using Portable.Core.Invocation;

namespace Portable.Aws.Tests.Logging;

/// <summary>
/// Every <c>[LoggerMessage]</c> event id in the assemblies a Lambda process loads (Core and the bootstrap) means one
/// thing, so a log query on <c>eventId</c> finds one kind of line.
/// </summary>
public class LogEventIdTests
{
    private static readonly Assembly[] LambdaProcess = [typeof(InvocationEngine).Assembly, typeof(LambdaHost).Assembly];

    private static IEnumerable<(int EventId, string Method)> Declared() =>
        from assembly in LambdaProcess
        from type in assembly.GetTypes()
        from method in type.GetMethods(BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.Static | BindingFlags.Instance | BindingFlags.DeclaredOnly)
        let attribute = method.GetCustomAttribute<LoggerMessageAttribute>()
        where attribute is not null
        select (attribute.EventId, $"{type.FullName}.{method.Name}");

    [Fact]
    public void LoggerMessages_InTheLambdaProcess_AreFound()
    {
        var declared = Declared().ToList();

        Assert.Contains(declared, d => d.Method.EndsWith("HttpInvoker.LogUnhandled", StringComparison.Ordinal));
        Assert.Contains(declared, d => d.Method.EndsWith("LambdaBootstrap.LogRefused", StringComparison.Ordinal));
        Assert.DoesNotContain(declared, d => d.EventId == 0);
    }

    [Fact]
    public void LoggerMessages_InTheLambdaProcess_HaveUniqueEventIds()
    {
        var duplicates = Declared()
            .GroupBy(d => d.EventId)
            .Where(g => g.Count() > 1)
            .Select(g => $"{g.Key}: {string.Join(", ", g.Select(d => d.Method))}")
            .ToList();

        Assert.True(duplicates.Count == 0, "Event ids used more than once:\n" + string.Join('\n', duplicates));
    }

    [Fact]
    public void LoggerMessages_OfTheAwsAdapter_AreInItsOwnRange()
    {
        var outside = Declared().Where(d => d.Method.StartsWith("Portable.Aws.", StringComparison.Ordinal) && d.EventId is < 3000 or >= 4000).ToList();

        Assert.True(outside.Count == 0, "AWS event ids outside 3000-3999: " + string.Join(", ", outside));
    }
}
