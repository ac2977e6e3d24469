using Microsoft.Azure.Functions.Worker;
using Microsoft.Azure.Functions.Worker.Invocation;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Portable.Azure.Worker;
using Portable.Core.Patterns;
using Portable.Core.Patterns.Items;
using Portable.Core.Patterns.Ledger;
using Portable.SampleApp;

namespace Portable.Azure.Tests.Worker;

public class ManifestFunctionExecutorTests
{
    [Fact]
    public async Task BuildAsync_ExecutorRegisteredBefore_IsDecoratedAndRunsAttributedFunctions()
    {
        // What the SDK's generated DirectFunctionExecutor is to the decorator: the executor registered last before it.
        var inner = new RecordingExecutor();
        using var host = await IsolatedWorkerHost.BuildAsync(TallyApp.App, [], services => services.AddSingleton<IFunctionExecutor>(inner));
        var executor = host.Services.GetRequiredService<IFunctionExecutor>();
        var context = new TestFunctionContext(new TestFunctionDefinition("saga-orchestrator", "Contoso.Sagas.Run"), host.Services);

        await executor.ExecuteAsync(context);

        Assert.IsType<ManifestFunctionExecutor>(executor);
        Assert.Same(context, Assert.Single(inner.Executed));
    }

    [Fact]
    public async Task Handles_ManifestFunctionAtItsEntryPoint_TrueOtherwiseFalse()
    {
        using var host = await IsolatedWorkerHost.BuildAsync(PatternsApp.App, []);
        var dispatcher = host.Services.GetRequiredService<ManifestFunctionDispatcher>();

        Assert.True(dispatcher.Handles(new TestFunctionDefinition(ItemsApi.FunctionName, ManifestFunction.EntryPoint)));
        Assert.True(dispatcher.Handles(new TestFunctionDefinition(LedgerWriter.FunctionName, ManifestFunction.EntryPoint)));
        Assert.True(dispatcher.Handles(new TestFunctionDefinition("fallback", ManifestFunction.EntryPoint)));
        Assert.False(dispatcher.Handles(new TestFunctionDefinition("saga-orchestrator", ManifestFunction.EntryPoint)));
        Assert.False(dispatcher.Handles(new TestFunctionDefinition(ItemsApi.FunctionName, "Contoso.Api.Run")));
    }

    [Fact]
    public async Task BuildAsync_WithoutRegistrationsOfItsOwn_TheWorkersOwnServicesResolveDecorated()
    {
        // What the worker resolves at start-up and per invocation, over its own defaults (the test host has no SDK).
        using var host = await IsolatedWorkerHost.BuildAsync(PatternsApp.App, []);

        Assert.IsType<ManifestFunctionExecutor>(host.Services.GetRequiredService<IFunctionExecutor>());
        var metadata = await host.Services.GetRequiredService<Microsoft.Azure.Functions.Worker.Core.FunctionMetadata.IFunctionMetadataManager>()
            .GetFunctionMetadataAsync(AppContext.BaseDirectory);
        Assert.Contains(metadata, m => m.Name == LedgerWriter.FunctionName);
    }

    private sealed class RecordingExecutor : IFunctionExecutor
    {
        public List<FunctionContext> Executed { get; } = [];

        public ValueTask ExecuteAsync(FunctionContext context)
        {
            Executed.Add(context);
            return ValueTask.CompletedTask;
        }
    }
}
