using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Portable.Core.Patterns.Orders;
using Portable.Core.Resilience;
using Portable.Core.Settings;
using Portable.Core.State;

namespace Portable.Core.Tests.Patterns;

public sealed class OrdersServiceCollectionExtensionsTests
{
    private static ServiceProvider Build(Dictionary<string, string?> settings, Action<IServiceCollection>? before = null)
    {
        var services = new ServiceCollection();
        services.AddSingleton(TimeProvider.System);
        services.AddSingleton<ILoggerFactory>(NullLoggerFactory.Instance);
        services.AddSingleton<IStateStore>(new InMemoryStateStore(TimeProvider.System));
        before?.Invoke(services);
        services.AddOrders(new HostSettings(settings.GetValueOrDefault));
        return services.BuildServiceProvider();
    }

    [Fact]
    public void AddOrders_NoPaymentsUrl_SimulatedService()
    {
        using var provider = Build([]);

        Assert.IsType<SimulatedPaymentService>(provider.GetRequiredService<IPaymentService>());
    }

    [Fact]
    public void AddOrders_BlankPaymentsUrl_SimulatedService()
    {
        using var provider = Build(new() { [HttpPaymentService.UrlVariable] = "  " });

        Assert.IsType<SimulatedPaymentService>(provider.GetRequiredService<IPaymentService>());
    }

    [Fact]
    public void AddOrders_PaymentsUrl_HttpServiceOnThePaymentsPipeline()
    {
        using var provider = Build(new() { [HttpPaymentService.UrlVariable] = "https://payments.example.com/v1" });

        var payments = Assert.IsType<HttpPaymentService>(provider.GetRequiredService<IPaymentService>());
        Assert.Equal(new Uri("https://payments.example.com/v1/"), payments.BaseAddress);
        Assert.Contains(HttpPaymentService.PipelineName, provider.GetRequiredService<PortableResilience>().PipelineNames);
        var options = provider.GetRequiredService<ResilienceOptionsBuilder>().Pipelines[HttpPaymentService.PipelineName];
        Assert.Equal((TimeSpan.FromSeconds(8), TimeSpan.FromSeconds(3), 2), (options.Timeout, options.AttemptTimeout, options.MaxRetryAttempts));
    }

    [Fact]
    public void AddOrders_PaymentsPipelineConfiguredByTheHost_KeepsTheHostsSettings()
    {
        using var provider = Build(
            new() { [HttpPaymentService.UrlVariable] = "http://localhost:9000" },
            s => s.AddPortableResilience(r => r.AddPipeline(HttpPaymentService.PipelineName, o => o.MaxRetryAttempts = 5)));

        var options = provider.GetRequiredService<ResilienceOptionsBuilder>().Pipelines[HttpPaymentService.PipelineName];
        Assert.Equal((5, TimeSpan.FromSeconds(30)), (options.MaxRetryAttempts, options.Timeout));
    }

    [Fact]
    public void AddOrders_PaymentServiceRegisteredFirst_KeepsIt()
    {
        var mine = new SimulatedPaymentService(new InMemoryStateStore(TimeProvider.System));
        using var provider = Build(new() { [HttpPaymentService.UrlVariable] = "http://localhost:9000" }, s => s.AddSingleton<IPaymentService>(mine));

        Assert.Same(mine, provider.GetRequiredService<IPaymentService>());
    }

    [Theory]
    [InlineData("payments.example.com")]
    [InlineData("ftp://payments.example.com/")]
    [InlineData("/_local/payments")]
    public void AddOrders_BadPaymentsUrl_RefusedNamingTheVariableTheValueAndWhatIsAccepted(string value)
    {
        var fault = Assert.Throws<SettingsException>(() => Build(new() { [HttpPaymentService.UrlVariable] = value }));

        Assert.Equal($"PORTABLE_PAYMENTS_URL='{value}' is not valid: expected an absolute http:// or https:// URL.", fault.Message);
        Assert.Equal((HttpPaymentService.UrlVariable, value), (fault.Variable, fault.Value));
    }

    [Theory]
    [InlineData(null, typeof(Portable.Core.Sagas.SagaCoordinator))]
    [InlineData("orchestrated", typeof(Portable.Core.Sagas.SagaCoordinator))]
    [InlineData("choreographed", typeof(Portable.Core.Patterns.Choreography.SagaChoreography))]
    public void AddOrders_OrdersSagaSetting_PicksTheStarter(string? mode, Type starter)
    {
        using var provider = Build(new() { [Portable.Core.Patterns.Choreography.OrderChoreography.ModeVariable] = mode }, services => services.AddSingleton<Portable.Core.Messaging.IMessagePublisher>(new Portable.Testing.Messaging.InMemoryPublisher(TimeProvider.System)).AddSingleton<Portable.Core.Events.IEventPublisher>(new Portable.Testing.Messaging.InMemoryEventBus()));

        Assert.IsType(starter, provider.GetRequiredService<Portable.Core.Sagas.ISagaStarter>());
    }

    [Fact]
    public void AddOrders_UnknownOrdersSaga_RefusedNamingTheSetting()
    {
        var error = Assert.Throws<SettingsException>(() => Build(new() { [Portable.Core.Patterns.Choreography.OrderChoreography.ModeVariable] = "choreography" }));

        Assert.Contains("PORTABLE_ORDERS_SAGA", error.Message, StringComparison.Ordinal);
        Assert.Contains("choreographed", error.Message, StringComparison.Ordinal);
    }
}
