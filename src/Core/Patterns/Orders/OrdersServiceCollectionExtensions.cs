using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using Portable.Core.Functions;
using Portable.Core.Schedules;
using Portable.Core.Sagas;
using Portable.Core.State;

namespace Portable.Core.Patterns.Orders;

/// <summary>Registers the order saga's functions and services.</summary>
public static class OrdersServiceCollectionExtensions
{
    /// <summary>
    /// Adds <c>inventory-api</c>, <c>orders-api</c> and the order saga's executor and coordinator, with the simulated
    /// payment service unless one is registered. Orders are run by Portable's queue-driven coordinator unless the host
    /// registered another <see cref="ISagaStarter"/> first (a Durable orchestration); and <c>reconcile-orders</c>.
    /// </summary>
    public static IServiceCollection AddOrders(this IServiceCollection services)
    {
        ArgumentNullException.ThrowIfNull(services);
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
            sp.GetRequiredService<ILogger<OrderReconciler>>()));
        services.AddSingleton(sp => new OrdersApi(sp.GetRequiredService<IStateStore>(), sp.GetRequiredService<TimeProvider>(), sp.GetService<ISagaStarter>(), sp.GetService<ISagaStateSource>()));
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
