using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using Portable.Core.Events;
using Portable.Core.Messaging;
using Portable.Core.State;
using Portable.Core.Storage;

namespace Portable.Core.Resilience;

/// <summary>Registers the resilience pipelines and the decorators that put the ports behind them.</summary>
public static class ResilienceServiceCollectionExtensions
{
    /// <summary>
    /// Adds (or, called again, extends) the named pipelines and validates them at once, so a bad setting fails at
    /// start-up with a <see cref="ResilienceOptionsException"/> naming the pipeline and each bad field. Registers
    /// <see cref="PortableResilience"/> as a singleton built with the container's <see cref="TimeProvider"/>.
    /// </summary>
    public static IServiceCollection AddPortableResilience(this IServiceCollection services, Action<ResilienceOptionsBuilder> configure)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(configure);
        ResilienceOptionsBuilder? settings = null;
        foreach (var descriptor in services) // a loop, not LINQ: generic virtual calls are slow to bind in a Native AOT cold start
        {
            if (descriptor is { IsKeyedService: false, ImplementationInstance: ResilienceOptionsBuilder registered })
            {
                settings = registered;
            }
        }

        if (settings is null)
        {
            settings = new ResilienceOptionsBuilder();
            services.AddSingleton(settings);
        }

        configure(settings);
        settings.Validate();
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton(sp => new PortableResilience(
            sp.GetRequiredService<ResilienceOptionsBuilder>(),
            sp.GetRequiredService<TimeProvider>(),
            sp.GetService<ILoggerFactory>()));
        return services;
    }

    /// <summary>
    /// Wraps the <see cref="IStateStore"/> registered so far in a <see cref="ResilientStateStore"/> on the pipeline
    /// <paramref name="pipelineName"/>. Call it after the store is registered.
    /// </summary>
    public static IServiceCollection AddResilientStateStore(this IServiceCollection services, string pipelineName = PortableResilience.StatePipeline)
    {
        ArgumentNullException.ThrowIfNull(pipelineName);
        return Decorate<IStateStore>(services, (sp, inner) => new ResilientStateStore(inner, sp.GetRequiredService<PortableResilience>().Pipeline(pipelineName)));
    }

    /// <summary>
    /// Wraps the <see cref="IMessagePublisher"/> registered so far in a <see cref="ResilientMessagePublisher"/> on the
    /// pipeline <paramref name="pipelineName"/>. Call it after the publisher is registered.
    /// </summary>
    public static IServiceCollection AddResilientMessagePublisher(this IServiceCollection services, string pipelineName = PortableResilience.PublishPipeline)
    {
        ArgumentNullException.ThrowIfNull(pipelineName);
        return Decorate<IMessagePublisher>(services, (sp, inner) => new ResilientMessagePublisher(inner, sp.GetRequiredService<PortableResilience>().Pipeline(pipelineName)));
    }

    /// <summary>
    /// Wraps the <see cref="IEventPublisher"/> registered so far in a <see cref="ResilientEventPublisher"/> on the
    /// pipeline <paramref name="pipelineName"/>. Call it after the event publisher is registered.
    /// </summary>
    public static IServiceCollection AddResilientEventPublisher(this IServiceCollection services, string pipelineName = PortableResilience.PublishPipeline)
    {
        ArgumentNullException.ThrowIfNull(pipelineName);
        return Decorate<IEventPublisher>(services, (sp, inner) => new ResilientEventPublisher(inner, sp.GetRequiredService<PortableResilience>().Pipeline(pipelineName)));
    }

    /// <summary>
    /// Wraps the <see cref="IObjectStore"/> registered so far in a <see cref="ResilientObjectStore"/> on the pipeline
    /// <paramref name="pipelineName"/> (the state pipeline by default). Call it after the store is registered.
    /// </summary>
    public static IServiceCollection AddResilientObjectStore(this IServiceCollection services, string pipelineName = PortableResilience.StatePipeline)
    {
        ArgumentNullException.ThrowIfNull(pipelineName);
        return Decorate<IObjectStore>(services, (sp, inner) => new ResilientObjectStore(inner, sp.GetRequiredService<PortableResilience>().Pipeline(pipelineName)));
    }

    private static IServiceCollection Decorate<TService>(IServiceCollection services, Func<IServiceProvider, TService, TService> decorate)
        where TService : class
    {
        ArgumentNullException.ThrowIfNull(services);
        var index = -1;
        for (var i = services.Count - 1; i >= 0; i--)
        {
            if (services[i].ServiceType == typeof(TService) && !services[i].IsKeyedService)
            {
                index = i;
                break;
            }
        }

        if (index < 0)
        {
            throw new InvalidOperationException($"No {typeof(TService).Name} is registered to decorate; register the store or publisher first.");
        }

        var inner = services[index];
        services[index] = ServiceDescriptor.Describe(typeof(TService), sp => decorate(sp, (TService)Create(sp, inner)), inner.Lifetime);
        return services;
    }

    private static object Create(IServiceProvider services, ServiceDescriptor descriptor) =>
        descriptor.ImplementationInstance
        ?? descriptor.ImplementationFactory?.Invoke(services)
        ?? ActivatorUtilities.CreateInstance(services, descriptor.ImplementationType!);
}
