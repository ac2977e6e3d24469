using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Portable.Core.Messaging;

namespace Portable.Core.Sagas;

/// <summary>Registers a saga's executor and coordinator, keyed by the saga's name.</summary>
public static class SagaServiceCollectionExtensions
{
    /// <summary>
    /// Registers the <see cref="SagaExecutor"/> of <paramref name="definition"/> and its <see cref="SagaCoordinator"/>
    /// on <paramref name="queue"/> (both keyed by the saga's name), and makes the coordinator the
    /// <see cref="ISagaStarter"/> unless the host registered another (a Durable orchestration, for instance). A
    /// registered <see cref="SagaWait"/> replaces the executor's backoff wait.
    /// </summary>
    /// <param name="services">The app's services.</param>
    /// <param name="definition">The saga.</param>
    /// <param name="queue">The queue the coordinator's step requests travel on.</param>
    /// <param name="handlers">A handler for every name in <see cref="SagaDefinition.HandlerNames"/>.</param>
    /// <param name="repository">Where the saga's instances are stored.</param>
    public static IServiceCollection AddSaga(
        this IServiceCollection services,
        SagaDefinition definition,
        string queue,
        Func<IServiceProvider, IReadOnlyDictionary<string, ISagaStep>> handlers,
        Func<IServiceProvider, ISagaRepository> repository)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(definition);
        ArgumentNullException.ThrowIfNull(handlers);
        ArgumentNullException.ThrowIfNull(repository);
        services.AddKeyedSingleton(definition.Name, (sp, _) => new SagaExecutor(definition, handlers(sp), repository(sp), sp.GetRequiredService<TimeProvider>(), sp.GetService<SagaWait>() is { } wait ? wait.Invoke : null));
        services.AddKeyedSingleton(definition.Name, (sp, _) => new SagaCoordinator(sp.GetRequiredKeyedService<SagaExecutor>(definition.Name), sp.GetRequiredService<IMessagePublisher>(), queue));
        services.TryAddSingleton<ISagaStarter>(sp => sp.GetRequiredKeyedService<SagaCoordinator>(definition.Name));
        return services;
    }
}
