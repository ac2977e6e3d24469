using Portable.Azure.Events;
using Portable.Core.Events;
using System.Text.Json;
using Portable.Azure.Worker;
using Portable.Core.Messaging;
using Portable.Core.Schedules;
using Portable.Core.Storage;
using Portable.Core.Patterns;
using Portable.Emulators.Azure.Isolated;
using Portable.TestKit;

namespace Portable.Azure.Tests.Worker;

/// <summary>
/// deploy/azure holds what an isolated app deploys beside its build (host.json, local.settings.json), kept equal to
/// src/Azure's; and the functions the built worker reports to the host (through the isolated host emulator) are the
/// manifest's, so what Azure indexes cannot drift from what Core serves.
/// </summary>
public class DeployAzureDriftTests
{
    [Theory]
    [InlineData("host.json")]
    [InlineData("local.settings.json")]
    public void DeployAzure_File_EqualsSrcAzures(string file)
    {
        var deployed = Path.Combine(RepoPaths.Root, "deploy", "azure", file);
        var source = Path.Combine(RepoPaths.Root, "src", "Azure", file);

        Assert.True(File.Exists(deployed), $"deploy/azure/{file} is missing: copy src/Azure/{file} there.");
        Assert.True(
            File.ReadAllText(deployed).ReplaceLineEndings("\n") == File.ReadAllText(source).ReplaceLineEndings("\n"),
            $"deploy/azure/{file} has drifted from src/Azure/{file}: copy it again.");
    }

    [Fact]
    public void DeployAzure_NoFunctionJsonLayout()
    {
        var stale = Directory.EnumerateFiles(Path.Combine(RepoPaths.Root, "deploy", "azure"), "function.json", SearchOption.AllDirectories).ToList();

        Assert.True(stale.Count == 0, $"An isolated app has no function.json (the worker reports its functions): delete {string.Join(", ", stale)}.");
    }

    [Fact]
    public async Task WorkerMetadata_ThroughTheHost_EqualsTheManifest()
    {
        await using var host = await IsolatedFunctionsHost.StartAsync(new IsolatedFunctionsHostOptions
        {
            AppDirectory = Path.GetDirectoryName(RepoPaths.BuildOutput("src/Azure", "worker.config.json"))!,
        });
        var expected = new List<string>();
        foreach (var route in AzureHttpRoutes.Of(PatternsApp.Manifest))
        {
            var methods = route.Methods is null ? "*" : string.Join(',', route.Methods.Select(m => m.ToLowerInvariant()));
            expected.Add($"{route.FunctionName}: httpTrigger {route.Route} [{methods}]");
        }

        foreach (var (function, trigger) in PatternsApp.Manifest.FunctionsOf<QueueTrigger>())
        {
            expected.Add($"{function.Name}: queueTrigger {trigger.Queue}");
        }

        foreach (var (function, trigger) in PatternsApp.Manifest.FunctionsOf<ScheduleTrigger>())
        {
            expected.Add($"{function.Name}: timerTrigger {Ncrontab.From(trigger.Schedule).Expression}");
        }

        foreach (var (function, trigger) in PatternsApp.Manifest.FunctionsOf<StorageTrigger>())
        {
            expected.Add($"{function.Name}: blobTrigger {trigger.Bucket}/{trigger.Prefix}{{name}}");
        }

        foreach (var (function, trigger) in PatternsApp.Manifest.FunctionsOf<EventTrigger>())
        {
            expected.Add($"{function.Name}: queueTrigger {EventQueues.OfRule(trigger.Rule)}");
        }

        if (PatternsApp.Manifest.FunctionsOf<EventTrigger>().Any())
        {
            expected.Add($"{EventQueues.RouterFunctionName}: queueTrigger {EventQueues.RouterQueue}");
        }

        // A saga's step function is no Azure function: on Azure its handlers run as Durable activities or through the coordinator.
        var reported = host.Functions.Select(Describe).ToList();

        Assert.Equal(expected.Order(StringComparer.Ordinal), reported.Order(StringComparer.Ordinal));
    }

    private static string Describe(WorkerFunction function)
    {
        foreach (var raw in function.RawBindings)
        {
            using var binding = JsonDocument.Parse(raw);
            var root = binding.RootElement;
            switch (root.GetProperty("type").GetString())
            {
                case "httpTrigger":
                    var methods = root.TryGetProperty("methods", out var listed) ? string.Join(',', listed.EnumerateArray().Select(m => m.GetString())) : "*";
                    return $"{function.Name}: httpTrigger {root.GetProperty("route").GetString()} [{methods}]";
                case "queueTrigger":
                    return $"{function.Name}: queueTrigger {root.GetProperty("queueName").GetString()}";
                case "timerTrigger":
                    return $"{function.Name}: timerTrigger {root.GetProperty("schedule").GetString()}";
                case "blobTrigger":
                    return $"{function.Name}: blobTrigger {root.GetProperty("path").GetString()}";
            }
        }

        return $"{function.Name}: no trigger among {string.Join(" ", function.RawBindings)}";
    }
}
