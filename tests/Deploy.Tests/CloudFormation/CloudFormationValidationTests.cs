using System.Text.Json.Nodes;
using Portable.Core.Patterns;
using Portable.Deploy.CloudFormation;
using Portable.TestKit;

namespace Portable.Deploy.Tests.CloudFormation;

/// <summary>
/// AWS's own validator (npm <c>@aws/cloudformation-validate</c>: the resource provider schemas and its rules) finds no
/// error and no warning in the committed template, nor in the templates of a manifest with every trigger kind and of
/// the event routing scenario; and it bites: each way of breaking the committed template below gets a failing finding.
/// </summary>
public sealed class CloudFormationValidationTests
{
    private static string Committed => File.ReadAllText(Path.Combine(RepoPaths.Root, "deploy", CloudFormationGenerator.Path));

    public static TheoryData<string> Templates => ["committed", "every trigger", "event routing"];

    private static string TemplateOf(string name) => name switch
    {
        "committed" => Committed,
        "every trigger" => CloudFormationGenerator.Generate(EveryTrigger.Manifest, EveryTrigger.Options).Content,
        "event routing" => CloudFormationGenerator.Generate(new RoutingScenario().Manifest).Content,
        _ => throw new ArgumentOutOfRangeException(nameof(name)),
    };

    [Theory]
    [MemberData(nameof(Templates))]
    public async Task Template_PassesAwsValidator(string name)
    {
        var findings = await CloudFormationValidator.ValidateAsync(TemplateOf(name));

        var failing = findings.Where(f => f.Fails).ToList();
        Assert.True(failing.Count == 0, $"The {name} template fails @aws/cloudformation-validate:\n{string.Join("\n", failing)}");
    }

    public static TheoryData<string> Breakages => [.. Break.Keys];

    [Theory]
    [MemberData(nameof(Breakages))]
    public async Task Validator_CommittedTemplateBroken_RejectsIt(string breakage)
    {
        var template = JsonNode.Parse(Committed)!;
        Break[breakage](template);

        var findings = await CloudFormationValidator.ValidateAsync(template.ToJsonString());

        Assert.True(findings.Any(f => f.Fails), $"The validator let '{breakage}' through:\n{string.Join("\n", findings)}");
    }

    private static JsonNode Props(JsonNode t, string id) => t["Resources"]![id]!["Properties"]!;

    // Ways a generator bug could break the file; each is a rule of a resource schema or of the validator.
    private static readonly Dictionary<string, Action<JsonNode>> Break = new(StringComparer.Ordinal)
    {
        ["memory below Lambda's 128 MB"] = t => Props(t, "ItemsApiFunction")["MemorySize"] = 64,
        ["unknown runtime"] = t => Props(t, "ItemsApiFunction")["Runtime"] = "provided.al2099",
        ["misspelled property"] = t => Props(t, "PaymentsQueue")["RedrivePolice"] = Props(t, "PaymentsQueue")["RedrivePolicy"]!.DeepClone(),
        ["unknown response type"] = t => Props(t, "LedgerWriterQueueMapping")["FunctionResponseTypes"] = new JsonArray("ReportBatchFailures"),
        ["GetAtt of a missing resource"] = t => Props(t, "ItemsApiFunction")["Role"] = Cfn.GetAtt("NoSuchRole", "Arn"),
        ["Ref of a missing parameter"] = t => Props(t, "ItemsApiFunction")["Code"]!["S3Bucket"] = Cfn.Ref("NoSuchBucket"),
        ["timeout as text"] = t => Props(t, "ItemsApiFunction")["Timeout"] = "thirty",
        ["unknown architecture"] = t => Props(t, "LedgerWriterFunction")["Architectures"] = new JsonArray("x86"),
        ["table without its key schema"] = t => Props(t, CloudFormationGenerator.TableId).AsObject().Remove("KeySchema"),
    };
}
