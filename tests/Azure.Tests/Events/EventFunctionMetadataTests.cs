using System.Text.Json;
using Portable.Azure.Events;
using Portable.Azure.Worker;
using Portable.Core.Events;
using Portable.Core.Functions;
using Portable.Core.Messaging;
using Portable.TestKit;

namespace Portable.Azure.Tests.Events;

/// <summary>What the worker tells the host about event functions: a queueTrigger on each rule's queue, and the router on portable-events.</summary>
public sealed class EventFunctionMetadataTests
{
    private static JsonElement Trigger(Microsoft.Azure.Functions.Worker.Core.FunctionMetadata.IFunctionMetadata metadata) =>
        JsonDocument.Parse(Assert.Single(metadata.RawBindings!)).RootElement.Clone();

    [Fact]
    public void Describe_EventFunctions_QueueTriggersOnTheirRuleQueuesAndTheRouter()
    {
        var manifest = new RoutingScenario().Manifest;

        var described = ManifestFunctionMetadataProvider.Describe(manifest, "Portable.Azure.dll").ToDictionary(m => m.Name!);

        foreach (var (function, trigger) in manifest.FunctionsOf<EventTrigger>())
        {
            var binding = Trigger(described[function.Name]);
            Assert.Equal("queueTrigger", binding.GetProperty("type").GetString());
            Assert.Equal($"events-{trigger.Rule}", binding.GetProperty("queueName").GetString());
            Assert.Equal("AzureWebJobsStorage", binding.GetProperty("connection").GetString());
        }

        var router = Trigger(described[EventQueues.RouterFunctionName]);
        Assert.Equal(("queueTrigger", "portable-events"), (router.GetProperty("type").GetString(), router.GetProperty("queueName").GetString()));
    }

    [Fact]
    public void Describe_NoEventFunctions_NoRouter()
    {
        var manifest = new FunctionManifestBuilder()
            .AddQueue("worker", "work", (_, _, _) => ValueTask.FromResult(MessageResult.Success))
            .Build();

        var described = ManifestFunctionMetadataProvider.Describe(manifest, "Portable.Azure.dll");

        Assert.DoesNotContain(described, m => m.Name == EventQueues.RouterFunctionName);
    }

    [Fact]
    public void Describe_AFunctionNamedAsTheRouter_Refused()
    {
        var manifest = new FunctionManifestBuilder()
            .AddEventFunction("handler", "on-thing", """{"source": ["x"]}""", (_, _, _) => ValueTask.FromResult(MessageResult.Success))
            .AddQueue(EventQueues.RouterFunctionName, "other", (_, _, _) => ValueTask.FromResult(MessageResult.Success))
            .Build();

        var error = Assert.Throws<NotSupportedException>(() => ManifestFunctionMetadataProvider.Describe(manifest, "Portable.Azure.dll"));
        Assert.Contains("rename", error.Message, StringComparison.Ordinal);
    }
}
