using System.Text.Json;
using Portable.Core.Events;
using Portable.Core.Events.Routing;
using Portable.Core.Functions;
using Portable.Core.Messaging;
using Portable.Core.Storage;
using Portable.Deploy.Eventarc;
using Portable.Emulators.Processes;
using Portable.TestKit;

namespace Portable.Deploy.Tests.Eventarc;

/// <summary>
/// The Eventarc triggers exported from a manifest (the routing scenario every host runs, plus storage functions): one
/// Pub/Sub trigger per rule on the events topic with its path, the pattern written beside it as applied by Portable's
/// router, one Cloud Storage trigger per storage function with its exact bucket filter; valid bash; and the commands'
/// flags read back as the Trigger fields they stand for.
/// </summary>
public sealed class EventarcTriggersGeneratorTests
{
    private static readonly RoutingScenario Scenario = new();

    private static FunctionManifest WithStorage() =>
        new FunctionManifestBuilder()
            .AddEventFunction("charge-payment", "on-inventory-reserved", """{"source": ["inventory"], "detail-type": ["inventory.reserved"]}""", (_, _, _) => ValueTask.FromResult(MessageResult.Success))
            .AddStorageFunction("csv-import", "uploads", (_, _, _) => ValueTask.FromResult(MessageResult.Success), prefix: "incoming/", suffix: ".csv")
            .AddStorageFunction("2x-thumbnails", "images-bucket", (_, _, _) => ValueTask.FromResult(MessageResult.Success))
            .Build();

    private static string Script(FunctionManifest manifest) => Assert.Single(EventarcTriggersGenerator.Generate(manifest)).Content;

    /// <summary>Each <c>gcloud eventarc triggers create NAME</c> command with its flags, continuation lines joined.</summary>
    private static Dictionary<string, List<(string Flag, string Value)>> Commands(string script)
    {
        var joined = script.Replace(" \\\n", " ", StringComparison.Ordinal);
        var commands = new Dictionary<string, List<(string, string)>>(StringComparer.Ordinal);
        foreach (var line in joined.Split('\n').Where(l => l.StartsWith("gcloud ", StringComparison.Ordinal)))
        {
            var words = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
            Assert.Equal(["gcloud", "eventarc", "triggers", "create"], words[..4]);
            commands.Add(words[4], [.. words[5..].Select(w =>
            {
                Assert.StartsWith("--", w, StringComparison.Ordinal);
                var eq = w.IndexOf('=', StringComparison.Ordinal);
                return (w[2..eq], w[(eq + 1)..].Trim('"', '\''));
            })]);
        }

        return commands;
    }

    [Fact]
    public void Generate_Rules_OneMessagePublishedTriggerPerRule_OnTheEventsTopic_ToTheRulesPath()
    {
        var commands = Commands(Script(Scenario.Manifest));

        Assert.Equal([RoutingScenario.ChargePaymentRule, RoutingScenario.BigOrderAuditRule, RoutingScenario.NotifyShippingRule], commands.Keys);
        foreach (var (rule, flags) in commands)
        {
            Assert.Equal(
                [
                    ("project", "$PROJECT"), ("location", "$REGION"), ("destination-run-service", "$SERVICE"), ("destination-run-region", "$REGION"),
                    ("destination-run-path", "/_portable/events/" + rule), ("event-filters", "type=google.cloud.pubsub.topic.v1.messagePublished"),
                    ("transport-topic", "projects/$PROJECT/topics/$EVENTS_TOPIC"), ("service-account", "$SERVICE_ACCOUNT"),
                ],
                flags);
        }
    }

    [Fact]
    public void Generate_Rules_SayThePatternIsAppliedByPortablesRouter_AndWhy()
    {
        var script = Script(Scenario.Manifest);

        Assert.Contains("filters match CloudEvent attributes exactly, and a Pub/Sub trigger filters by\n# topic only", script, StringComparison.Ordinal);
        Assert.Contains("EVENTS_TOPIC=\"${EVENTS_TOPIC:-portable-events}\"", script, StringComparison.Ordinal);
        foreach (var (function, trigger) in Scenario.Manifest.FunctionsOf<EventTrigger>())
        {
            var comment = $"# Rule {trigger.Rule} -> function {function.Name}. Its pattern, applied by Portable's router in the\n";
            var at = script.IndexOf(comment, StringComparison.Ordinal);
            Assert.True(at >= 0, comment);
            var patternLine = script[at..].Split('\n')[2];
            Assert.StartsWith("#   ", patternLine, StringComparison.Ordinal);
            // The pattern written there is the rule's own: it parses back and matches as the declared one does.
            var written = EventPattern.Parse(patternLine[4..]);
            using var declared = JsonDocument.Parse(trigger.Pattern.Json);
            using var roundTripped = JsonDocument.Parse(written.Json);
            Assert.Equal(JsonSerializer.Serialize(declared.RootElement), JsonSerializer.Serialize(roundTripped.RootElement));
        }

        Assert.Contains("""{"source":["orders","inventory"],"detail":{"total":[{"numeric":[">=",1000]}]}}""", script, StringComparison.Ordinal);
    }

    [Fact]
    public void Generate_StorageFunctions_OneFinalizedTriggerWithTheExactBucket_PrefixAndSuffixLeftToPortable()
    {
        var script = Script(WithStorage());
        var commands = Commands(script);

        Assert.Equal(["on-inventory-reserved", "csv-import-finalized", "fn-2x-thumbnails-finalized"], commands.Keys);
        Assert.Equal(
            [
                ("project", "$PROJECT"), ("location", "$REGION"), ("destination-run-service", "$SERVICE"), ("destination-run-region", "$REGION"),
                ("destination-run-path", "/csv-import"), ("event-filters", "type=google.cloud.storage.object.v1.finalized"), ("event-filters", "bucket=uploads"),
                ("service-account", "$SERVICE_ACCOUNT"),
            ],
            commands["csv-import-finalized"]);
        Assert.DoesNotContain(commands["csv-import-finalized"], f => f.Flag == "transport-topic");
        Assert.Contains(("destination-run-path", "/2x-thumbnails"), commands["fn-2x-thumbnails-finalized"]);
        Assert.Contains("applied by Portable in the service\n# (Eventarc filters Cloud Storage events by type and bucket only, exactly): prefix 'incoming/' suffix '.csv'.", script, StringComparison.Ordinal);
    }

    [Fact]
    public void Generate_NoEventOrStorageFunction_NoFile()
    {
        var manifest = new FunctionManifestBuilder().AddQueue("q", "payments", (_, _, _) => ValueTask.FromResult(MessageResult.Success)).Build();

        Assert.Empty(EventarcTriggersGenerator.Generate(manifest));
    }

    [Fact]
    public void Generate_RuleAndStorageTriggerWithOneName_Refused()
    {
        var manifest = new FunctionManifestBuilder()
            .AddEventFunction("audit", "csv-import-finalized", """{"source": ["x"]}""", (_, _, _) => ValueTask.FromResult(MessageResult.Success))
            .AddStorageFunction("csv-import", "uploads", (_, _, _) => ValueTask.FromResult(MessageResult.Success))
            .Build();

        var ex = Assert.Throws<ArgumentException>(() => EventarcTriggersGenerator.Generate(manifest));
        Assert.Contains("'csv-import-finalized'", ex.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("thumbnails", "thumbnails-finalized")]
    [InlineData("2fa-notice", "fn-2fa-notice-finalized")]
    public void StorageTriggerName_IsATriggerId(string function, string expected) =>
        Assert.Equal(expected, EventarcTriggersGenerator.StorageTriggerName(function));

    [Fact]
    public void StorageTriggerName_LongName_CutToSixtyThreeCharacters()
    {
        var name = EventarcTriggersGenerator.StorageTriggerName(new string('a', 63));

        Assert.Equal(63, name.Length);
        Assert.EndsWith("-finalized", name, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Generate_Script_IsValidBash_AndRefusesToRunWithoutItsVariables()
    {
        var path = System.IO.Path.Combine(System.IO.Path.GetTempPath(), $"eventarc-{Guid.NewGuid():N}.sh");
        await File.WriteAllTextAsync(path, Script(WithStorage()));
        try
        {
            await using (var syntax = ChildProcess.Start(new ChildProcessOptions { FileName = "bash", Arguments = ["-n", path] }))
            {
                Assert.True(await syntax.WaitForExitAsync(TimeSpan.FromSeconds(30)) == 0, syntax.StandardError);
            }

            // Without PROJECT the first check stops it before any gcloud command runs.
            await using var run = ChildProcess.Start(new ChildProcessOptions
            {
                FileName = "bash",
                Arguments = [path],
                Environment = new Dictionary<string, string?> { ["PROJECT"] = null, ["REGION"] = null, ["SERVICE"] = null, ["SERVICE_ACCOUNT"] = null },
            });
            Assert.NotEqual(0, await run.WaitForExitAsync(TimeSpan.FromSeconds(30)));
            Assert.Contains("set PROJECT to the Google Cloud project id", run.StandardError, StringComparison.Ordinal);
        }
        finally
        {
            File.Delete(path);
        }
    }
}
