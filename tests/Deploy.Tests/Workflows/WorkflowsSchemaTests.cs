using System.Text.Json;
using Json.Schema;
using Portable.Deploy.Workflows;
using Portable.TestKit;

namespace Portable.Deploy.Tests.Workflows;

/// <summary>
/// The generated workflows are valid Google Workflows source by the Workflows JSON schema in ../shared/schemas
/// (SchemaStore's, draft-07), checked with a real JSON-schema engine (JsonSchema.Net) on the YAML read back; and the
/// check bites: each way of breaking the order saga's workflow below fails it.
/// </summary>
public class WorkflowsSchemaTests
{
    private static readonly Lazy<JsonSchema> Schema = new(() =>
    {
        var path = Path.GetFullPath(Path.Combine(RepoPaths.Root, "..", "shared", "schemas", "workflows.json"));
        Assert.True(File.Exists(path), $"The Workflows schema is expected at {path} (../shared beside the repository).");
        return JsonSchema.FromFile(path);
    });

    [Theory]
    [MemberData(nameof(SagaShapes.Names), MemberType = typeof(SagaShapes))]
    public void Generated_ForEachSagaShape_IsValidWorkflowsSource(string shape)
    {
        var yaml = WorkflowsGenerator.Generate(SagaShapes.All[shape], OrderSagaWorkflow.StepFunction).Content;

        var errors = Validate(YamlValues.Load(yaml));

        Assert.True(errors.Count == 0, $"The {shape} workflow breaks the schema:\n{string.Join("\n", errors)}");
    }

    public static TheoryData<string> Breakages => [.. Break.Keys];

    [Theory]
    [MemberData(nameof(Breakages))]
    public void Validator_OrderSagaWorkflowBroken_RejectsIt(string breakage)
    {
        var document = YamlValues.Copy(YamlValues.Load(OrderSagaWorkflow.File.Content))!;
        Assert.Empty(Validate(document));
        Break[breakage]((Dictionary<string, object?>)document);

        Assert.NotEmpty(Validate(document));
    }

    // Ways a generator bug could break the file, each a rule of the schema.
    private static readonly Dictionary<string, Action<Dictionary<string, object?>>> Break = new(StringComparer.Ordinal)
    {
        ["retry on a step without try"] = d => Step(d, "reserve_inventory")["retry"] = Map(("max_retries", 2L)),
        ["except on a step without try"] = d => Step(d, "completed")["except"] = Map(("as", "e")),
        ["misspelled assign"] = d => Rename(Step(d, "init"), "assign", "asign"),
        ["max_retries as text"] = d => ((Dictionary<string, object?>)Step(d, "charge_payment_call")["retry"]!)["max_retries"] = "2",
        ["fractional backoff"] = d => ((Dictionary<string, object?>)((Dictionary<string, object?>)Step(d, "charge_payment_call")["retry"]!)["backoff"]!)["initial_delay"] = 0.5,
        ["two steps in one item"] = d => Steps(d)[0] = new Dictionary<string, object?>(StringComparer.Ordinal)
        {
            ["init"] = Step(d, "init"),
            ["check"] = Step(d, "check_service_url"),
        },
        ["unknown auth type"] = d => Auth(d)["type"] = "Basic",
        ["unknown auth key"] = d => Auth(d)["token"] = "secret",
        ["main with two params"] = d => ((Dictionary<string, object?>)d["main"]!)["params"] = new List<object?> { "args", "more" },
        ["switch condition missing"] = d => Rename((Dictionary<string, object?>)((List<object?>)Step(d, "check_service_url")["switch"]!)[0]!, "condition", "when"),
        ["raise as a number"] = d => Step(d, "failed")["raise"] = 500L,
        ["empty steps"] = d => ((Dictionary<string, object?>)d["is_transient"]!)["steps"] = new List<object?>(),
    };

    private static List<string> Validate(object? document)
    {
        var instance = JsonSerializer.SerializeToElement(YamlValues.ToJson(document));
        var result = Schema.Value.Evaluate(instance, new EvaluationOptions { OutputFormat = OutputFormat.List });
        if (result.IsValid)
        {
            return [];
        }

        var errors = (result.Details ?? []).Where(d => d.Errors is not null)
            .SelectMany(d => d.Errors!.Select(e => $"{d.InstanceLocation} ({d.EvaluationPath}): {e.Key} {e.Value}"))
            .ToList();
        return errors.Count > 0 ? errors : ["invalid"];
    }

    private static List<object?> Steps(Dictionary<string, object?> document) =>
        (List<object?>)((Dictionary<string, object?>)document["main"]!)["steps"]!;

    private static Dictionary<string, object?> Step(Dictionary<string, object?> document, string name) =>
        Steps(document).Cast<Dictionary<string, object?>>().Single(s => s.ContainsKey(name))[name] as Dictionary<string, object?>
        ?? throw new InvalidOperationException($"No step {name}.");

    private static Dictionary<string, object?> Auth(Dictionary<string, object?> document)
    {
        var attempt = (List<object?>)((Dictionary<string, object?>)Step(document, "charge_payment_call")["try"]!)["steps"]!;
        var post = (Dictionary<string, object?>)((Dictionary<string, object?>)attempt[1]!)["charge_payment_post"]!;
        return (Dictionary<string, object?>)((Dictionary<string, object?>)post["args"]!)["auth"]!;
    }

    private static void Rename(Dictionary<string, object?> map, string from, string to)
    {
        Assert.True(map.Remove(from, out var value), $"No key {from} to rename.");
        map[to] = value;
    }

    private static Dictionary<string, object?> Map(params (string Key, object? Value)[] entries) =>
        entries.ToDictionary(e => e.Key, e => e.Value, StringComparer.Ordinal);
}
