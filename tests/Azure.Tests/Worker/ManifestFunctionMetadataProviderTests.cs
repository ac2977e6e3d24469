using Portable.Azure.Events;
using Portable.Core.Events;
using System.Collections.Immutable;
using System.Text.Json;
using Microsoft.Azure.Functions.Worker.Core.FunctionMetadata;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Portable.Azure.Worker;
using Portable.Core.Functions;
using Portable.Core.Messaging;
using Portable.Core.Sagas;
using Portable.Core.Schedules;
using Portable.Core.Storage;
using Portable.Core.Patterns;
using Portable.SampleApp;

namespace Portable.Azure.Tests.Worker;

/// <summary>
/// Drift: the metadata the built worker reports to the host (through the provider the container resolves, as the
/// worker's FunctionsMetadataRequest handler does) says what the manifest says, function by function.
/// </summary>
public sealed class ManifestFunctionMetadataProviderTests : IDisposable
{
    private readonly string _appDirectory = Directory.CreateTempSubdirectory("portable-worker-").FullName;

    public static TheoryData<string> Apps => ["patterns", "sample"];

    private static FunctionApp AppNamed(string name) => name == "patterns" ? PatternsApp.App : TallyApp.App;

    public void Dispose() => Directory.Delete(_appDirectory, recursive: true);

    [Theory]
    [MemberData(nameof(Apps))]
    public async Task GetFunctionMetadataAsync_BuiltWorker_ReportsEveryManifestFunctionAsTheManifestSays(string appName)
    {
        var app = AppNamed(appName);
        using var host = await IsolatedWorkerHost.BuildAsync(app, []);
        var reported = await host.Services.GetRequiredService<IFunctionMetadataProvider>().GetFunctionMetadataAsync(_appDirectory);

        // Every manifest function once, plus the catch-all for paths no function claims unless a function whose
        // routes share no prefix takes the catch-all itself, and nothing else.
        var catchAllFunction = app.Manifest.HttpFunctions.Any(f => !SharesFirstSegment(f.Trigger));
        // A saga's step function is not an Azure function (its handlers run as Durable activities or through the coordinator).
        var functions = app.Manifest.Functions.Where(f => f.Trigger is not SagaStepTrigger).ToList();
        // With event functions, the worker adds the router on portable-events (EventFunctionMetadataTests pins its binding).
        var expected = functions.Select(f => f.Name)
            .Concat(app.Manifest.FunctionsOf<EventTrigger>().Any() ? [EventQueues.RouterFunctionName] : []);
        Assert.Equal(
            (catchAllFunction ? expected : expected.Append(AzureHttpRoutes.FallbackFunctionName)).Order(StringComparer.Ordinal),
            reported.Select(f => f.Name!).Order(StringComparer.Ordinal));

        foreach (var function in functions)
        {
            var metadata = reported.Single(m => m.Name == function.Name);
            Assert.Equal(ManifestFunction.EntryPoint, metadata.EntryPoint);
            Assert.Equal("dotnet-isolated", metadata.Language);
            var bindings = Bindings(metadata);
            switch (function.Trigger)
            {
                case HttpTrigger http:
                    AssertHttp(bindings, http);
                    break;
                case QueueTrigger queue:
                    var trigger = Assert.Single(bindings);
                    Assert.Equal("queueTrigger", trigger.GetProperty("type").GetString());
                    Assert.Equal("In", trigger.GetProperty("direction").GetString());
                    Assert.Equal(queue.Queue, trigger.GetProperty("queueName").GetString());
                    Assert.Equal("AzureWebJobsStorage", trigger.GetProperty("connection").GetString());
                    Assert.Equal("String", trigger.GetProperty("dataType").GetString());
                    break;
                case ScheduleTrigger schedule:
                    var timer = Assert.Single(bindings);
                    Assert.Equal("timerTrigger", timer.GetProperty("type").GetString());
                    Assert.Equal(Ncrontab.From(schedule.Schedule).Expression, timer.GetProperty("schedule").GetString());
                    break;
                case StorageTrigger storage:
                    // As the SDK emits [BlobTrigger("{container}/{prefix}{name}")] BlobClient: the suffix is Core's to apply.
                    var blob = Assert.Single(bindings);
                    Assert.Equal("blobTrigger", blob.GetProperty("type").GetString());
                    Assert.Equal("In", blob.GetProperty("direction").GetString());
                    Assert.Equal($"{storage.Bucket}/{storage.Prefix}{{name}}", blob.GetProperty("path").GetString());
                    Assert.Equal("AzureWebJobsStorage", blob.GetProperty("connection").GetString());
                    Assert.Equal("True", blob.GetProperty("properties").GetProperty("supportsDeferredBinding").GetString());
                    break;
                case EventTrigger @event:
                    var rule = Assert.Single(bindings);
                    Assert.Equal("queueTrigger", rule.GetProperty("type").GetString());
                    Assert.Equal(EventQueues.OfRule(@event.Rule), rule.GetProperty("queueName").GetString());
                    Assert.Equal("AzureWebJobsStorage", rule.GetProperty("connection").GetString());
                    break;
                default:
                    Assert.Fail($"{function.Name}: trigger {function.Trigger.GetType().Name} has no expectation here.");
                    break;
            }
        }

        if (!catchAllFunction)
        {
            var fallback = Bindings(reported.Single(m => m.Name == AzureHttpRoutes.FallbackFunctionName));
            var fallbackTrigger = fallback.Single(b => b.GetProperty("type").GetString() == "httpTrigger");
            Assert.Equal("{*path}", fallbackTrigger.GetProperty("route").GetString());
            Assert.False(fallbackTrigger.TryGetProperty("methods", out _), "the catch-all takes every method, so Core answers 404 or 405");
        }
    }

    [Fact]
    public void Describe_PatternsApp_JobUploadStarterIsABlobTriggerOnUploads()
    {
        var described = ManifestFunctionMetadataProvider.Describe(PatternsApp.Manifest, "Portable.Azure.dll");

        var trigger = Assert.Single(Bindings(described.Single(m => m.Name == Portable.Core.Patterns.Jobs.JobUploadStarter.FunctionName)));
        Assert.Equal("blobTrigger", trigger.GetProperty("type").GetString());
        Assert.Equal("uploads/{name}", trigger.GetProperty("path").GetString());
    }

    [Fact]
    public void Describe_StorageFunctions_BlobTriggerOnContainerAndPrefixWithDeferredBinding()
    {
        var described = ManifestFunctionMetadataProvider.Describe(Portable.BlobWorkerApp.BlobApp.Manifest, "Portable.Azure.dll");

        var reader = Assert.Single(Bindings(described.Single(m => m.Name == Portable.BlobWorkerApp.BlobApp.Reader)));
        var failing = Assert.Single(Bindings(described.Single(m => m.Name == Portable.BlobWorkerApp.BlobApp.Failing)));
        Assert.Equal("blobTrigger", reader.GetProperty("type").GetString());
        Assert.Equal("In", reader.GetProperty("direction").GetString());
        Assert.Equal(ManifestFunctionMetadataProvider.BlobTriggerBindingName, reader.GetProperty("name").GetString());
        // The suffix (.txt) is not in the path: Core's StorageInvoker applies it.
        Assert.Equal("blob-inbox/in/{name}", reader.GetProperty("path").GetString());
        Assert.Equal("AzureWebJobsStorage", reader.GetProperty("connection").GetString());
        Assert.Equal("True", reader.GetProperty("properties").GetProperty("supportsDeferredBinding").GetString());
        Assert.Equal("blob-fail/{name}", failing.GetProperty("path").GetString());
    }

    [Fact]
    public void Describe_Apps_CoverBothShapesOfHttpFunction()
    {
        // The drift test above sees a function with prefixed routes (patterns) and one that takes the catch-all (sample).
        Assert.All(PatternsApp.Manifest.HttpFunctions, f => Assert.True(SharesFirstSegment(f.Trigger), f.Function.Name));
        Assert.Contains(TallyApp.Manifest.HttpFunctions, f => !SharesFirstSegment(f.Trigger));
    }

    [Theory]
    [MemberData(nameof(Apps))]
    public void Describe_EntryPoint_IsAMethodTheWorkerCanLoadFromTheScriptFile(string appName)
    {
        // The worker resolves script_file against the app directory and finds "{type}.{method}" in it (DefaultMethodInfoLocator).
        var metadata = ManifestFunctionMetadataProvider.Describe(AppNamed(appName).Manifest, "Portable.Azure.dll")[0];
        var dot = metadata.EntryPoint!.LastIndexOf('.');
        var assembly = System.Reflection.Assembly.LoadFrom(Path.Combine(AppContext.BaseDirectory, metadata.ScriptFile!));

        var method = assembly.GetType(metadata.EntryPoint[..dot])?.GetMethod(metadata.EntryPoint[(dot + 1)..]);

        Assert.NotNull(method);
        Assert.Equal(typeof(Microsoft.Azure.Functions.Worker.FunctionContext), Assert.Single(method.GetParameters()).ParameterType);
    }

    [Fact]
    public void Describe_FunctionIds_AreStableAndDistinct()
    {
        var first = ManifestFunctionMetadataProvider.Describe(PatternsApp.Manifest, "Portable.Azure.dll");
        var second = ManifestFunctionMetadataProvider.Describe(PatternsApp.Manifest, "Portable.Azure.dll");

        Assert.Equal(first.Select(f => f.FunctionId), second.Select(f => f.FunctionId));
        Assert.Equal(first.Count, first.Select(f => f.FunctionId).Distinct().Count());
    }

    [Fact]
    public async Task BuildAsync_ProviderRegisteredBefore_ItsAttributedFunctionsAreReportedAfterTheManifests()
    {
        // What the SDK's generated provider does for [Function] methods (a Durable orchestrator, say).
        var attributed = new FixedMetadataProvider(Attributed("saga-orchestrator"));
        using var host = await IsolatedWorkerHost.BuildAsync(TallyApp.App, [], services => services.AddSingleton<IFunctionMetadataProvider>(attributed));

        var reported = await host.Services.GetRequiredService<IFunctionMetadataProvider>().GetFunctionMetadataAsync(_appDirectory);

        Assert.Equal([TallyApp.ApiFunction, TallyApp.CounterFunction, "saga-orchestrator"], reported.Select(f => f.Name));
        Assert.Equal(_appDirectory, attributed.AskedFor);
    }

    [Fact]
    public async Task GetFunctionMetadataAsync_AttributedFunctionNamedLikeAManifestFunction_Throws()
    {
        var provider = new ManifestFunctionMetadataProvider(
            ManifestFunctionMetadataProvider.Describe(TallyApp.Manifest, "Portable.Azure.dll"), new FixedMetadataProvider(Attributed(TallyApp.CounterFunction)));

        var ex = await Assert.ThrowsAsync<InvalidOperationException>(() => provider.GetFunctionMetadataAsync(_appDirectory));

        Assert.Contains(TallyApp.CounterFunction, ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task GetFunctionMetadataAsync_InnerIsTheWorkersFileProviderWithNoFile_ReportsTheManifestOnly()
    {
        // The built worker in a test run: the entry assembly (the test host) has no generated provider, so the
        // worker's own functions.metadata reader is the inner one, and _appDirectory has no such file.
        using var host = await IsolatedWorkerHost.BuildAsync(TallyApp.App, []);

        var reported = await host.Services.GetRequiredService<IFunctionMetadataProvider>().GetFunctionMetadataAsync(_appDirectory);

        Assert.Equal([TallyApp.ApiFunction, TallyApp.CounterFunction], reported.Select(f => f.Name));
    }

    [Fact]
    public void Describe_TimerTrigger_NotSupportedNamesTheFunction()
    {
        var manifest = new FunctionManifest([new FunctionDefinition("nightly", new UnmappedTrigger())]);

        var ex = Assert.Throws<NotSupportedException>(() => ManifestFunctionMetadataProvider.Describe(manifest, "Portable.Azure.dll"));

        Assert.Contains("nightly", ex.Message, StringComparison.Ordinal);
    }

    private static void AssertHttp(IReadOnlyList<JsonElement> bindings, HttpTrigger http)
    {
        Assert.Equal(2, bindings.Count);
        var trigger = bindings.Single(b => b.GetProperty("type").GetString() == "httpTrigger");
        Assert.Equal("req", trigger.GetProperty("name").GetString());
        Assert.Equal("In", trigger.GetProperty("direction").GetString());
        Assert.Equal("Anonymous", trigger.GetProperty("authLevel").GetString());
        var route = trigger.GetProperty("route").GetString()!;
        if (!SharesFirstSegment(http))
        {
            // Only the catch-all reaches routes with no common prefix; it takes every method (Core answers 405).
            Assert.Equal("{*path}", route);
            Assert.False(trigger.TryGetProperty("methods", out _));
        }
        else
        {
            Assert.Equal(
                http.Routes.Select(r => r.Method.ToLowerInvariant()).Distinct().Order(StringComparer.Ordinal),
                trigger.GetProperty("methods").EnumerateArray().Select(m => m.GetString()!).Order(StringComparer.Ordinal));

            // One Azure route covers every template: the template itself, or their literal prefix + an (optional) catch-all.
            foreach (var template in http.Routes.Select(r => r.Template.Text.TrimStart('/')))
            {
                var prefix = route.EndsWith("/{*rest}", StringComparison.Ordinal) ? route[..^"/{*rest}".Length] : null;
                Assert.True(
                    route == template || (prefix is not null && (template.Equals(prefix, StringComparison.OrdinalIgnoreCase) || template.StartsWith(prefix + "/", StringComparison.OrdinalIgnoreCase))),
                    $"route '{route}' does not cover template '{template}'");
            }
        }

        var output = bindings.Single(b => b.GetProperty("type").GetString() == "http");
        Assert.Equal("$return", output.GetProperty("name").GetString());
        Assert.Equal("Out", output.GetProperty("direction").GetString());
    }

    // Worked out from the templates' text, independently of the layout code under test.
    private static bool SharesFirstSegment(HttpTrigger http)
    {
        var firsts = http.Routes.Select(r => r.Template.Text.TrimStart('/').Split('/')[0]).Distinct(StringComparer.OrdinalIgnoreCase).ToList();
        return http.Routes.Select(r => r.Template.Text).Distinct(StringComparer.OrdinalIgnoreCase).Count() == 1
            || (firsts.Count == 1 && !firsts[0].StartsWith('{'));
    }

    private static List<JsonElement> Bindings(IFunctionMetadata metadata) =>
        [.. metadata.RawBindings!.Select(raw => JsonDocument.Parse(raw).RootElement.Clone())];

    private static DefaultFunctionMetadata Attributed(string name) => new()
    {
        Name = name,
        EntryPoint = "Contoso.Sagas.Run",
        ScriptFile = "Contoso.dll",
        Language = "dotnet-isolated",
        RawBindings = ["{\"name\":\"context\",\"type\":\"orchestrationTrigger\",\"direction\":\"In\"}"],
    };

    private sealed class FixedMetadataProvider(params IFunctionMetadata[] functions) : IFunctionMetadataProvider
    {
        public string? AskedFor { get; private set; }

        public Task<ImmutableArray<IFunctionMetadata>> GetFunctionMetadataAsync(string directory)
        {
            AskedFor = directory;
            return Task.FromResult(functions.ToImmutableArray());
        }
    }

    private sealed record UnmappedTrigger : FunctionTrigger
    {
        public override string Kind => "timer";

        public override FunctionExecutionDelegate Bind(IServiceProvider services) => _ => ValueTask.CompletedTask;
    }
}
