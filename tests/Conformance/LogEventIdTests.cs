using System.Reflection;
using Microsoft.Extensions.Logging;

namespace Portable.Conformance;

/// <summary>
/// A log event id means one thing within a process: each host's assembly with the framework assemblies it loads
/// (Core, and Hosting for the ASP.NET Core-based ones) declares every <see cref="LoggerMessageAttribute"/> id once.
/// </summary>
public sealed class LogEventIdTests
{
    public static TheoryData<string> Hosts => ["aws", "gcp", "azure", "local"];

    [Theory]
    [MemberData(nameof(Hosts))]
    public void EveryLogEventId_IsDeclaredOnce_WithinAHostsProcess(string host)
    {
        Assembly[] assemblies = host switch
        {
            "aws" => [typeof(Portable.Aws.LambdaHost).Assembly, typeof(Portable.Core.Functions.FunctionManifest).Assembly],
            "gcp" => [typeof(Portable.Gcp.CloudRunHost).Assembly, typeof(Portable.Core.Functions.FunctionManifest).Assembly, typeof(Portable.Hosting.AspNetCoreBridge).Assembly],
            "azure" => [typeof(Portable.Azure.Worker.IsolatedWorkerHost).Assembly, typeof(Portable.Core.Functions.FunctionManifest).Assembly, typeof(Portable.Hosting.AspNetCoreBridge).Assembly],
            _ => [typeof(Portable.Local.LocalHost).Assembly, typeof(Portable.Core.Functions.FunctionManifest).Assembly, typeof(Portable.Hosting.AspNetCoreBridge).Assembly],
        };

        var declared = Declared(assemblies).ToList();

        Assert.True(declared.Count > 20, $"only {declared.Count} LoggerMessage ids found: the scan is not seeing the host's logging");
        Assert.Empty(declared.GroupBy(d => d.EventId).Where(g => g.Count() > 1).OrderBy(g => g.Key)
            .Select(g => $"{g.Key}: {string.Join(", ", g.Select(d => d.Where))}"));
    }

    private static IEnumerable<(int EventId, string Where)> Declared(Assembly[] assemblies)
    {
        const BindingFlags All = BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.Static | BindingFlags.Instance | BindingFlags.DeclaredOnly;
        var declared =
            from assembly in assemblies.Distinct()
            from type in assembly.GetTypes()
            from method in type.GetMethods(All)
            let attribute = method.GetCustomAttribute<LoggerMessageAttribute>()
            where attribute is not null && attribute.EventId != 0
            select (attribute.EventId, Where: $"{type.FullName}.{method.Name}");
        return declared;
    }
}
