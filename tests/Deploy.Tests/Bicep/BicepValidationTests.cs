using Portable.Deploy.EventGrid;
using Portable.Deploy.Bicep;
using Portable.Deploy.Tests.CloudFormation;
using Portable.TestKit;

namespace Portable.Deploy.Tests.Bicep;

/// <summary>
/// The committed <c>deploy/azure/main.bicep</c> (and the template of a manifest with every trigger kind, and one that
/// includes a module) compiles with the Bicep compiler with no error and no warning; and the compiler bites: each way
/// of breaking the committed file below gets an Error or a <c>Warning BCP</c> line.
/// </summary>
public sealed class BicepValidationTests
{
    private static string Committed => File.ReadAllText(Path.Combine(RepoPaths.Root, "deploy", AzureBicepGenerator.Path));

    [Fact]
    public async Task CommittedTemplate_CompilesClean()
    {
        // With the committed Event Grid module beside it, as main.bicep references it.
        var eventGrid = Path.Combine(RepoPaths.Root, "deploy", EventGridGenerator.Path);
        var siblings = File.Exists(eventGrid)
            ? new Dictionary<string, string>(StringComparer.Ordinal) { [Path.GetFileName(eventGrid)] = File.ReadAllText(eventGrid) }
            : null;

        var (code, diagnostics, output) = await BicepCompiler.BuildAsync(Committed, siblings);

        Assert.True(code == 0 && diagnostics.Count == 0, $"bicep build: exit {code}\n{output}");
    }

    [Fact]
    public async Task EveryTriggerWithAModule_CompilesClean()
    {
        var module = new BicepModule("eventGrid", "event-grid.bicep", new Dictionary<string, string>(StringComparer.Ordinal) { ["functionAppName"] = "app.name", ["location"] = "location" });
        var bicep = AzureBicepGenerator.Generate(EveryTrigger.Manifest, EveryTrigger.Options, [module]).Content;
        const string moduleText = "param functionAppName string\nparam location string\noutput where string = '${functionAppName}@${location}'\n";

        var (code, diagnostics, output) = await BicepCompiler.BuildAsync(bicep, new Dictionary<string, string>(StringComparer.Ordinal) { ["event-grid.bicep"] = moduleText });

        Assert.Contains("module eventGrid 'event-grid.bicep'", bicep, StringComparison.Ordinal);
        Assert.True(code == 0 && diagnostics.Count == 0, $"bicep build: exit {code}\n{output}");
    }

    public static TheoryData<string> Breakages => [.. Break.Keys];

    [Theory]
    [MemberData(nameof(Breakages))]
    public async Task Compiler_CommittedTemplateBroken_RejectsIt(string breakage)
    {
        var (from, to) = Break[breakage];
        Assert.Contains(from, Committed, StringComparison.Ordinal);

        var (code, diagnostics, output) = await BicepCompiler.BuildAsync(Committed.Replace(from, to, StringComparison.Ordinal));

        Assert.True(code != 0 || diagnostics.Any(d => d.Contains(" : Error ", StringComparison.Ordinal) || d.Contains(" : Warning BCP", StringComparison.Ordinal)), $"bicep let '{breakage}' through:\n{output}");
    }

    // Ways a generator bug could break the file: types, property names and values the resource types define, and syntax.
    private static readonly Dictionary<string, (string From, string To)> Break = new(StringComparer.Ordinal)
    {
        ["https only as text"] = ("httpsOnly: true", "httpsOnly: 'yes'"),
        ["misspelled property"] = ("serverFarmId: hostingPlan.id", "serverFarm: hostingPlan.id"),
        ["unknown identity type"] = ("type: 'SystemAssigned'", "type: 'Automatic'"),
        ["retention as text"] = ("retentionInDays: 30", "retentionInDays: '30'"),
        ["undefined symbol"] = ("serverFarmId: hostingPlan.id", "serverFarmId: plan2.id"),
        ["unclosed object"] = ("output principalId string = app.identity.principalId", "output principalId string = {"),
    };
}
