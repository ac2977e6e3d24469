using System.Text.Json.Nodes;
using Portable.Core.Patterns;
using Portable.Deploy.CloudRun;
using Portable.Deploy.Tests.CloudFormation;
using Portable.Deploy.Tests.Workflows;
using Portable.TestKit;

namespace Portable.Deploy.Tests.CloudRun;

/// <summary>
/// Every committed Cloud Run service file (and those of a manifest with every trigger kind) is valid by the Cloud Run
/// service schema (../shared/schemas/cloud-run-v1.json) read back from YAML, carries the function's settings, and the
/// check bites: each breakage below is rejected.
/// </summary>
public sealed class CloudRunServiceSchemaTests
{
    public static TheoryData<string> Functions => [.. PatternsApp.Manifest.Functions.Select(f => f.Name)];

    private static JsonNode Committed(string function) =>
        YamlValues.ToJson(YamlValues.Load(File.ReadAllText(Path.Combine(RepoPaths.Root, "deploy", CloudRunGenerator.ServicePath(function)))))!;

    [Theory]
    [MemberData(nameof(Functions))]
    public void Committed_IsValidAndNamesItsFunction(string function)
    {
        var service = Committed(function);

        var errors = SharedSchemas.Errors("cloud-run-v1.json", service);

        Assert.True(errors.Count == 0, $"{function}'s service breaks the schema:\n{string.Join("\n", errors)}");
        var container = service["spec"]!["template"]!["spec"]!["containers"]![0]!;
        Assert.Contains(container["env"]!.AsArray(), e => e!["name"]!.GetValue<string>() == "FUNCTION_TARGET" && e["value"]!.GetValue<string>() == function);
        Assert.Equal("256Mi", container["resources"]!["limits"]!["memory"]!.GetValue<string>());
        // 30 s, or what one delivery of a choreographed saga step may take (EventTriggerOptions.Timeout).
        Assert.Equal((long)PatternsDeployment.Options.For(PatternsApp.Manifest.Find(function)!).TimeoutSeconds!, service["spec"]!["template"]!["spec"]!["timeoutSeconds"]!.GetValue<long>());
        Assert.Equal(80L, service["spec"]!["template"]!["spec"]!["containerConcurrency"]!.GetValue<long>());
    }

    [Fact]
    public void Generate_Options_SetMinInstancesConcurrencyTimeoutAndMemory()
    {
        var file = CloudRunGenerator.Generate(EveryTrigger.Manifest, EveryTrigger.Options).Single(f => f.Path == CloudRunGenerator.ServicePath("api"));
        var service = YamlValues.ToJson(YamlValues.Load(file.Content))!;

        Assert.Empty(SharedSchemas.Errors("cloud-run-v1.json", service));
        var template = service["spec"]!["template"]!;
        Assert.Equal("1", template["metadata"]!["annotations"]!["autoscaling.knative.dev/minScale"]!.GetValue<string>());
        Assert.Equal(200L, template["spec"]!["containerConcurrency"]!.GetValue<long>());
        Assert.Equal(20L, template["spec"]!["timeoutSeconds"]!.GetValue<long>());
        Assert.Equal("1024Mi", template["spec"]!["containers"]![0]!["resources"]!["limits"]!["memory"]!.GetValue<string>());
    }

    public static TheoryData<string> Breakages => [.. Break.Keys];

    [Theory]
    [MemberData(nameof(Breakages))]
    public void Schema_CommittedServiceBroken_RejectsIt(string breakage)
    {
        var service = Committed("items-api");
        Break[breakage](service);

        Assert.NotEmpty(SharedSchemas.Errors("cloud-run-v1.json", service));
    }

    private static JsonNode Spec(JsonNode s) => s["spec"]!["template"]!["spec"]!;

    private static readonly Dictionary<string, Action<JsonNode>> Break = new(StringComparer.Ordinal)
    {
        ["wrong api version"] = s => s["apiVersion"] = "serving.knative.dev/v2",
        ["concurrency as text"] = s => Spec(s)["containerConcurrency"] = "eighty",
        ["timeout as text"] = s => Spec(s)["timeoutSeconds"] = "30s",
        ["containers as an object"] = s => Spec(s)["containers"] = new JsonObject { ["image"] = "x" },
        ["container without its image"] = s => Spec(s)["containers"]![0]!.AsObject().Remove("image"),
        ["memory limit as a number"] = s => Spec(s)["containers"]![0]!["resources"]!["limits"]!["memory"] = 256,
        ["misspelled container property"] = s => Spec(s)["containers"]![0]!["environment"] = new JsonArray(),
        ["port as text"] = s => Spec(s)["containers"]![0]!["ports"]![0]!["containerPort"] = "http",
    };
}
