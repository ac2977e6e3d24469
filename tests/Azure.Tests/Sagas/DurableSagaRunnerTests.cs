using System.Text.Json;
using Microsoft.Azure.Functions.Worker.Builder;
using Microsoft.DurableTask;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Portable.Azure.Sagas;
using Portable.Azure.Worker;
using Portable.Core.App;
using Portable.Core.Functions;
using Portable.Core.Patterns;
using Portable.Core.Patterns.Orders;
using Portable.Core.Sagas;

namespace Portable.Azure.Tests.Sagas;

/// <summary>The Durable runner's pieces without a host: names, the setting, the registration and the metadata it adds.</summary>
public sealed class DurableSagaRunnerTests
{
    [Fact]
    public void DurableSaga_OrderSaga_DerivesOneOrchestratorAndAnActivityPerHandlerPlusTheWriteBack()
    {
        var saga = OrderDurableSaga.Instance;

        Assert.Equal("order-saga-orchestrator", saga.OrchestratorName);
        Assert.Equal("order-saga-charge-payment", saga.ActivityName(OrderSaga.ChargePayment));
        Assert.Equal("order-saga-save-state", saga.SaveActivityName);
        Assert.Equal(
            [
                "order-saga-orchestrator",
                "order-saga-reserve-inventory", "order-saga-release-inventory", "order-saga-charge-payment", "order-saga-refund-payment",
                "order-saga-create-shipment", "order-saga-cancel-shipment", "order-saga-notify-customer",
                "order-saga-save-state",
            ],
            saga.FunctionNames);
    }

    [Fact]
    public void DurableSaga_NameThatIsNoAzureFunctionName_Refused()
    {
        var definition = SagaDefinition.Create("9lives").Step("jump").Build();

        var ex = Assert.Throws<ArgumentException>(() => new DurableSaga(definition));

        Assert.Contains("'9lives-saga-orchestrator' is not a valid Azure function name", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void DurableSaga_HandlerNamedLikeTheWriteBack_Refused()
    {
        var definition = SagaDefinition.Create("trip").Step("save-state").Build();

        var ex = Assert.Throws<ArgumentException>(() => new DurableSaga(definition));

        Assert.Contains("'trip-saga-save-state' twice", ex.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("durable", true)]
    [InlineData(" Durable ", true)]
    [InlineData("coordinator", false)]
    [InlineData("", false)]
    [InlineData(null, false)]
    public void IsSelected_ReadsPortableSagaRunner(string? value, bool selected)
    {
        Assert.Equal(selected, DurableSagaRunner.IsSelected(name => name == "PORTABLE_SAGA_RUNNER" ? value : null));
        Assert.Equal(selected, IsolatedWorkerOptions.From(name => name == "PORTABLE_SAGA_RUNNER" ? value : null, AppContext.BaseDirectory).DurableSagas);
    }

    [Fact]
    public void SagasIn_FindsWhatAddDurableSagaAdded()
    {
        var services = new ServiceCollection().AddDurableSaga(OrderDurableSaga.Instance);

        Assert.Same(OrderDurableSaga.Instance, Assert.Single(DurableSagaRunner.SagasIn(services)));
        Assert.Empty(DurableSagaRunner.SagasIn(new ServiceCollection()));
    }

    [Fact]
    public async Task AddTo_RegistersTheTasksInTheDurableRegistry_AndReplacesTheSagaSeams()
    {
        var builder = FunctionsApplication.CreateBuilder([]);
        builder.Services.AddSingleton<ISagaStarter>(new NoStarter());
        await builder.Services.AddPortableHostAsync(PatternsApp.App, new Core.App.CloudServices(), _ => { });

        DurableSagaRunner.AddTo(builder, [OrderDurableSaga.Instance], PatternsApp.Manifest);
        using var host = builder.Build();

        var registry = host.Services.GetRequiredService<IOptions<DurableTaskRegistry>>().Value;
        Assert.Equal(["order-saga-orchestrator"], registry.GetOrchestrators().Select(o => o.Key.Name));
        Assert.Equal(OrderDurableSaga.Instance.FunctionNames.Skip(1).Order(StringComparer.Ordinal), registry.GetActivities().Select(a => a.Key.Name).Order(StringComparer.Ordinal));
        Assert.IsType<SagaOrchestrator>(registry.GetOrchestrators().Single().Value(host.Services));
        Assert.IsType<DurableSagaStarter>(host.Services.GetRequiredService<ISagaStarter>());
        Assert.IsType<DurableSagaStateSource>(host.Services.GetRequiredService<ISagaStateSource>());
        Assert.Single(host.Services.GetServices<ISagaStarter>());
    }

    [Fact]
    public void AddTo_SagaFunctionNamedLikeAManifestFunction_Refused()
    {
        var builder = FunctionsApplication.CreateBuilder([]);
        var manifest = new FunctionManifestBuilder()
            .AddHttp("order-saga-orchestrator", routes => routes.Map("GET", "/x", (_, _, _) => ValueTask.FromResult(Core.Http.PortableHttpResponse.Empty(204))))
            .Build();

        var ex = Assert.Throws<InvalidOperationException>(() => DurableSagaRunner.AddTo(builder, [OrderDurableSaga.Instance], manifest));

        Assert.Contains("'order-saga-orchestrator'", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void AddTo_TwoSagas_RefusedBecauseOneStarterStartsOne()
    {
        var other = new DurableSaga(SagaDefinition.Create("trip").Step("book").Build());

        Assert.Throws<NotSupportedException>(() => DurableSagaRunner.AddTo(FunctionsApplication.CreateBuilder([]), [OrderDurableSaga.Instance, other], PatternsApp.Manifest));
    }

    [Fact]
    public void Describe_WithDurableClient_GivesEveryManifestFunctionTheBinding()
    {
        var plain = ManifestFunctionMetadataProvider.Describe(PatternsApp.Manifest, "Portable.Azure.dll");
        var durable = ManifestFunctionMetadataProvider.Describe(PatternsApp.Manifest, "Portable.Azure.dll", durableClient: true);

        Assert.Equal(plain.Select(f => f.Name), durable.Select(f => f.Name));
        Assert.All(plain, f => Assert.DoesNotContain(f.RawBindings!, b => b.Contains("durableClient", StringComparison.Ordinal)));
        foreach (var function in durable)
        {
            var binding = Assert.Single(function.RawBindings!, b => b.Contains("durableClient", StringComparison.Ordinal));
            using var json = JsonDocument.Parse(binding);
            Assert.Equal(("durableClient", "durableClient", "In"), (json.RootElement.GetProperty("name").GetString(), json.RootElement.GetProperty("type").GetString(), json.RootElement.GetProperty("direction").GetString()));
            Assert.Equal(plain.Single(p => p.Name == function.Name).RawBindings!.Count + 1, function.RawBindings!.Count);
        }
    }

    [Fact]
    public async Task DurableClientSource_BeforeAnyBinding_SaysWhy_ThenOneClientPerHubAndAddress()
    {
        await using var source = new DurableClientSource(NullLoggerFactory.Instance);

        Assert.Contains("no invocation of this worker has carried a durableClient binding", Assert.Throws<InvalidOperationException>(() => source.Client).Message, StringComparison.Ordinal);
        var first = source.Use("""{"taskHubName":"hub","rpcBaseUrl":"http://127.0.0.1:5999/","maxGrpcMessageSizeInBytes":4194304}""");
        Assert.Same(first, source.Use("""{"taskHubName":"hub","rpcBaseUrl":"http://127.0.0.1:5999/"}"""));
        Assert.Same(first, source.Client);
        Assert.NotSame(first, source.Use("""{"taskHubName":"other","rpcBaseUrl":"http://127.0.0.1:5999/"}"""));
        Assert.Throws<ArgumentException>(() => source.Use("not json"));
        Assert.Throws<ArgumentException>(() => source.Use("""{"taskHubName":"hub"}"""));
    }

    [Theory]
    [InlineData("succeeded", null, SagaStepResultKind.Succeeded, null)]
    [InlineData("failed", "card declined", SagaStepResultKind.Failed, "card declined")]
    [InlineData("transient", "busy", SagaStepResultKind.Transient, "busy")]
    [InlineData("maybe", null, SagaStepResultKind.Transient, "the step answered an unknown outcome 'maybe'")]
    public void SagaStepReply_ToResult_MapsTheContractsOutcomes(string outcome, string? reason, SagaStepResultKind kind, string? expectedReason)
    {
        var result = new SagaStepReply(outcome, reason).ToResult();

        Assert.Equal((kind, expectedReason), (result.Kind, result.Reason));
        if (outcome != "maybe")
        {
            Assert.Equal(new SagaStepReply(outcome, reason), SagaStepReply.From(result));
        }
    }

    private sealed class NoStarter : ISagaStarter
    {
        public ValueTask StartAsync(string sagaId, CancellationToken cancellationToken) => ValueTask.CompletedTask;
    }
}
