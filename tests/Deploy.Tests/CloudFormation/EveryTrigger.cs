using Portable.Core.Events;
using Portable.Core.Functions;
using Portable.Core.Http;
using Portable.Core.Messaging;
using Portable.Core.Patterns.Orders;
using Portable.Core.Sagas;
using Portable.Core.Schedules;
using Portable.Core.Storage;
using Portable.Core.Streams;

namespace Portable.Deploy.Tests.CloudFormation;

/// <summary>A manifest with one function of every trigger kind, and options that set every deployment knob, for the generators' tests.</summary>
public static class EveryTrigger
{
    public static FunctionManifest Manifest { get; } = new FunctionManifestBuilder()
        .AddHttp("api", r => r
            .Map("GET", "/things/{id}", (_, _, _) => ValueTask.FromResult(PortableHttpResponse.Empty(200)))
            .Map("POST", "/things", (_, _, _) => ValueTask.FromResult(PortableHttpResponse.Empty(201))))
        .AddQueue("worker", "work", (_, _, _) => ValueTask.FromResult(MessageResult.Success), new QueueTriggerOptions { BatchSize = 25 })
        .AddSchedule("nightly", "30 2 * * 1-5", (_, _, _) => ValueTask.CompletedTask, "Europe/Berlin")
        .AddEventFunction("on-shipped", "shipped", """{"source": ["orders"], "detail-type": ["OrderShipped"]}""", (_, _, _) => ValueTask.FromResult(MessageResult.Success))
        .AddStreamFunction("clicks", "click-stream", (_, _, _) => ValueTask.CompletedTask, new StreamTriggerOptions { BatchSize = 500 })
        .AddStorageFunction("uploads", "incoming", (_, _, _) => ValueTask.FromResult(MessageResult.Success), "csv/", ".csv")
        .AddSagaSteps(OrderSaga.StepFunctionName, OrderSaga.Definition)
        .Build();

    public static DeploymentOptions Options { get; } = new()
    {
        Defaults = new FunctionDeployment { Architecture = LambdaArchitecture.Arm64, MemoryMb = 512 },
        Functions = new Dictionary<string, FunctionDeployment>(StringComparer.Ordinal)
        {
            ["api"] = new() { ProvisionedConcurrency = 2, MemoryMb = 1024, TimeoutSeconds = 20, MinInstances = 1, Concurrency = 200, SendsTo = ["work"] },
            ["worker"] = new() { TimeoutSeconds = 120 },
        },
    };
}
