using System.Text.Json.Nodes;
using Portable.TestKit;

namespace Portable.Deploy.Tests.Azure;

/// <summary>
/// The committed <c>deploy/azure/host.json</c> and <c>local.settings.json</c> are valid by SchemaStore's Azure Functions
/// schemas (../shared/schemas), and the check bites: each breakage below is rejected.
/// </summary>
public sealed class AzureSettingsSchemaTests
{
    private static JsonNode Committed(string file) => JsonNode.Parse(File.ReadAllText(Path.Combine(RepoPaths.Root, "deploy", "azure", file)))!;

    [Theory]
    [InlineData("host.json")]
    [InlineData("local.settings.json")]
    public void Committed_IsValidByItsSchema(string file)
    {
        var errors = SharedSchemas.Errors(file, Committed(file));

        Assert.True(errors.Count == 0, $"deploy/azure/{file} breaks its schema:\n{string.Join("\n", errors)}");
    }

    public static TheoryData<string, string> Breakages
    {
        get
        {
            var data = new TheoryData<string, string>();
            foreach (var (file, name) in Break.Keys)
            {
                data.Add(file, name);
            }

            return data;
        }
    }

    [Theory]
    [MemberData(nameof(Breakages))]
    public void Schema_CommittedBroken_RejectsIt(string file, string breakage)
    {
        var document = Committed(file);
        Assert.Empty(SharedSchemas.Errors(file, document));
        Break[(file, breakage)](document);

        Assert.NotEmpty(SharedSchemas.Errors(file, document));
    }

    private static readonly Dictionary<(string File, string Name), Action<JsonNode>> Break = new()
    {
        [("host.json", "version 3.0")] = d => d["version"] = "3.0",
        [("host.json", "maxDequeueCount as text")] = d => d["extensions"]!["queues"]!["maxDequeueCount"] = "five",
        [("host.json", "unknown message encoding")] = d => d["extensions"]!["queues"]!["messageEncoding"] = "utf7",
        [("host.json", "route prefix as a number")] = d => d["extensions"]!["http"]!["routePrefix"] = 1,
        [("local.settings.json", "IsEncrypted as text")] = d => d["IsEncrypted"] = "no",
        [("local.settings.json", "a setting as a number")] = d => d["Values"]!["FUNCTIONS_WORKER_RUNTIME"] = 4,
    };
}
