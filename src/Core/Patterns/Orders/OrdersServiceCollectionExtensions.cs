using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Portable.Core.Functions;
using Portable.Core.Sagas;
using Portable.Core.State;

namespace Portable.Core.Patterns.Orders;

/// <summary>Registers the order saga's functions and services.</summary>
public static class OrdersServiceCollectionExtensions
{
    /// <summary>
    /// Adds <c>inventory-api</c> and <c>orders-api</c> with the simulated payment service (unless one is registered).
    /// No <see cref="ISagaStarter"/> is added: the host registers its own, or orders stay pending.
    /// </summary>
    public static IServiceCollection AddOrders(this IServiceCollection services)
    {
        ArgumentNullException.ThrowIfNull(services);
        services.TryAddSingleton<IPaymentService>(sp => new SimulatedPaymentService(sp.GetRequiredService<IStateStore>()));
        services.AddSingleton(sp => new InventoryApi(sp.GetRequiredService<IStateStore>()));
        services.AddSingleton(sp => new OrdersApi(sp.GetRequiredService<IStateStore>(), sp.GetRequiredService<TimeProvider>(), sp.GetService<ISagaStarter>(), sp.GetService<ISagaStateSource>()));
        return services;
    }

    /// <summary>Declares <c>inventory-api</c> and <c>orders-api</c> in a manifest.</summary>
    public static FunctionManifestBuilder AddOrders(this FunctionManifestBuilder manifest)
    {
        ArgumentNullException.ThrowIfNull(manifest);
        return manifest
            .AddHttp(InventoryApi.FunctionName, InventoryApi.MapRoutes)
            .AddHttp(OrdersApi.FunctionName, OrdersApi.MapRoutes);
    }
}
