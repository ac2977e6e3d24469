using System.Text.Json;
using System.Text.Json.Nodes;
using Json.Schema;
using Portable.TestKit;

namespace Portable.Deploy.Tests;

/// <summary>The JSON schemas in ../shared/schemas (schemas/SOURCES.md), evaluated with JsonSchema.Net.</summary>
public static class SharedSchemas
{
    private static readonly Dictionary<string, Lazy<JsonSchema>> Loaded = new(StringComparer.Ordinal);

    /// <summary>The schema in <paramref name="file"/>; a draft-04 file is read as draft-07 (the keywords these files use mean the same there).</summary>
    public static JsonSchema Get(string file)
    {
        lock (Loaded)
        {
            if (!Loaded.TryGetValue(file, out var schema))
            {
                schema = new Lazy<JsonSchema>(() =>
                {
                    var path = Path.GetFullPath(Path.Combine(RepoPaths.Root, "..", "shared", "schemas", file));
                    Assert.True(File.Exists(path), $"The schema is expected at {path} (../shared beside the repository).");
                    var text = File.ReadAllText(path).Replace("http://json-schema.org/draft-04/schema#", "http://json-schema.org/draft-07/schema#", StringComparison.Ordinal);
                    return JsonSchema.FromText(text);
                });
                Loaded[file] = schema;
            }

            return schema.Value;
        }
    }

    /// <summary>The errors of <paramref name="instance"/> by the schema in <paramref name="file"/>; empty when valid.</summary>
    public static List<string> Errors(string file, JsonNode? instance)
    {
        var result = Get(file).Evaluate(JsonSerializer.SerializeToElement(instance), new EvaluationOptions { OutputFormat = OutputFormat.List });
        if (result.IsValid)
        {
            return [];
        }

        var errors = (result.Details ?? []).Where(d => d.Errors is not null)
            .SelectMany(d => d.Errors!.Select(e => $"{d.InstanceLocation} ({d.EvaluationPath}): {e.Key} {e.Value}"))
            .ToList();
        return errors.Count > 0 ? errors : ["invalid"];
    }
}
