using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using Portable.Core.Events;
using Portable.Core.Functions;
using Portable.Core.Patterns.Choreography;
using Portable.Core.Resilience;
using Portable.Core.Schedules;
using Portable.Core.Sagas;
using Portable.Core.Settings;
using Portable.Core.State;

namespace Portable.Core.Patterns.Orders;

/// <summary>Registers the order saga's functions and services.</summary>
public static class OrdersServiceCollectionExtensions
{
    /// <summary>
    /// Adds <c>inventory-api</c>, <c>orders-api</c>, the order saga's executor and coordinator and <c>reconcile-orders</c>,
    /// with the payment service the environment selects (see <see cref="AddOrders(IServiceCollection, HostSettings)"/>).
    /// </summary>
    /// <exception cref="SettingsException"><c>PORTABLE_PAYMENTS_URL</c> is set but is not an absolute http(s) URL.</exception>
    public static IServiceCollection AddOrders(this IServiceCollection services) => services.AddOrders(HostSettings.Environment);

    /// <summary>
    /// Adds <c>inventory-api</c>, <c>orders-api</c> and the order saga's executor and coordinator. The payment service
    /// is, unless one is registered already: an <see cref="HttpPaymentService"/> when
    /// <see cref="HttpPaymentService.UrlVariable"/> is set in <paramref name="settings"/>, otherwise the
    /// <see cref="SimulatedPaymentService"/> over the state store. Orders are run by Portable's queue-driven
    /// coordinator unless the host registered another <see cref="ISagaStarter"/> first (a Durable orchestration), or, with
    /// <see cref="OrderChoreography.ModeVariable"/> = <c>choreographed</c>, by the choreography's event functions
    /// (<see cref="SagaChoreography"/>, which then replaces any other starter; the manifest must declare them with
    /// <see cref="OrderChoreography.AddOrderChoreography"/>); <c>reconcile-orders</c> gives up on orders left unfinished.
    /// </summary>
    /// <exception cref="SettingsException"><c>PORTABLE_PAYMENTS_URL</c> is set but is not an absolute http(s) URL, or
    /// <c>PORTABLE_ORDERS_SAGA</c> is neither <c>orchestrated</c> nor <c>choreographed</c>.</exception>
    public static IServiceCollection AddOrders(this IServiceCollection services, HostSettings settings)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(settings);
        if (settings.HttpUri(HttpPaymentService.UrlVariable) is { } paymentsUrl)
        {
            services.AddHttpPaymentService(paymentsUrl);
        }

        var choreographed = settings.Text(OrderChoreography.ModeVariable) switch
        {
            null or OrderChoreography.Orchestrated => false,
            OrderChoreography.Choreographed => true,
            var other => throw new SettingsException(OrderChoreography.ModeVariable, other, $"{OrderChoreography.Orchestrated} (the default) or {OrderChoreography.Choreographed}"),
        };
        services.AddKeyedSingleton(OrderSaga.Definition.Name, (sp, _) => new SagaChoreography(
            sp.GetRequiredKeyedService<SagaExecutor>(OrderSaga.Definition.Name),
            OrderChoreography.Events,
            sp.GetRequiredService<IEventPublisher>(),
            sp.GetRequiredService<TimeProvider>()));
        if (choreographed)
        {
            services.RemoveAll<ISagaStarter>();
            services.AddSingleton<ISagaStarter>(sp => sp.GetRequiredKeyedService<SagaChoreography>(OrderSaga.Definition.Name));
        }

        services.TryAddSingleton<IPaymentService>(sp => new SimulatedPaymentService(sp.GetRequiredService<IStateStore>()));
        services.AddSingleton(sp => new InventoryApi(sp.GetRequiredService<IStateStore>()));
        services.AddSaga(
            OrderSaga.Definition,
            OrderSaga.Queue,
            sp => OrderSaga.Handlers(new OrderSteps(sp.GetRequiredService<IStateStore>(), sp.GetRequiredService<IPaymentService>()), sp.GetRequiredService<IStateStore>()),
            sp => new OrderSagaRepository(sp.GetRequiredService<IStateStore>(), sp.GetRequiredService<TimeProvider>()));
        services.AddSingleton(sp => new OrderReconciler(
            sp.GetRequiredKeyedService<SagaExecutor>(OrderSaga.Definition.Name).Repository,
            sp.GetRequiredService<IStateStore>(),
            sp.GetRequiredService<ISagaStarter>(),
            sp.GetRequiredService<TimeProvider>(),
            sp.GetRequiredService<ILoggerFactory>().CreateLogger<OrderReconciler>()));
        services.AddSingleton(sp => new OrdersApi(sp.GetRequiredService<IStateStore>(), sp.GetRequiredService<TimeProvider>(), sp.GetService<ISagaStarter>(), sp.GetService<ISagaStateSource>()));
        return services;
    }

    /// <summary>
    /// Registers an <see cref="HttpPaymentService"/> calling <paramref name="baseAddress"/> (unless a payment service is
    /// registered already) on the resilience pipeline <see cref="HttpPaymentService.PipelineName"/>, added with
    /// <see cref="HttpPaymentService.ConfigureDefaults"/> unless the host configured that pipeline itself.
    /// </summary>
    public static IServiceCollection AddHttpPaymentService(this IServiceCollection services, Uri baseAddress)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(baseAddress);
        services.AddPortableResilience(r =>
        {
            if (!r.Pipelines.ContainsKey(HttpPaymentService.PipelineName))
            {
                r.AddPipeline(HttpPaymentService.PipelineName, HttpPaymentService.ConfigureDefaults);
            }
        });
        services.TryAddKeyedSingleton(HttpPaymentService.PipelineName, static (_, _) => HttpPaymentService.CreateHttpClient());
        services.TryAddSingleton<IPaymentService>(sp => new HttpPaymentService(
            sp.GetRequiredKeyedService<HttpClient>(HttpPaymentService.PipelineName),
            baseAddress,
            sp.GetRequiredService<PortableResilience>().GetPipeline(HttpPaymentService.PipelineName),
            sp.GetRequiredService<TimeProvider>()));
        return services;
    }

    /// <summary>Declares <c>inventory-api</c>, <c>orders-api</c>, the saga's step function, its coordinator and <c>reconcile-orders</c> in a manifest.</summary>
    public static FunctionManifestBuilder AddOrders(this FunctionManifestBuilder manifest)
    {
        ArgumentNullException.ThrowIfNull(manifest);
        return manifest
            .AddHttp(InventoryApi.FunctionName, InventoryApi.MapRoutes)
            .AddHttp(OrdersApi.FunctionName, OrdersApi.MapRoutes)
            .AddSagaSteps(OrderSaga.StepFunctionName, OrderSaga.Definition)
            .AddSagaCoordinator(OrderSaga.CoordinatorFunctionName, OrderSaga.Queue, OrderSaga.Definition)
            .AddSchedule<OrderReconciler>(OrderReconciler.FunctionName, OrderReconciler.Cron);
    }
}
