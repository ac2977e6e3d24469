using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Portable.Core.Functions;
using Portable.Core.Invocation;
using Portable.Core.Messaging;
using Portable.Core.Resilience;
using Portable.Core.State;

namespace Portable.Core.App;

/// <summary>
/// The one composition root of the cloud hosts: the same registration sequence, in the same order, on AWS, Google
/// and Azure. A host reads its settings, describes its pieces as <see cref="CloudServices"/> and calls
/// <see cref="AddPortableHostAsync"/>; what is left in its <c>Program.cs</c> is the platform's own loop.
/// </summary>
public static class PortableComposition
{
    /// <summary>
    /// Registers, in this order: the clock; the cloud's services; the state store (opened here, before the
    /// container exists, so no async work blocks inside a DI factory) behind the state pipeline; the object store
    /// behind the same pipeline; the publisher, the event publisher and
    /// the dead-letter sink behind the publish pipeline; the resilience pipelines with the cloud's transient faults;
    /// Portable's defaults (middleware, the invocation engine and its front doors); and last the app's services.
    /// </summary>
    /// <exception cref="Settings.SettingsException">A setting the options read is unusable.</exception>
    public static async Task<IServiceCollection> AddPortableHostAsync(
        this IServiceCollection services,
        FunctionApp app,
        CloudServices cloud,
        Action<PortableHostOptions> configure,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(app);
        ArgumentNullException.ThrowIfNull(cloud);
        ArgumentNullException.ThrowIfNull(configure);

        services.TryAddSingleton(TimeProvider.System);
        cloud.Services?.Invoke(services);

        if (cloud.OpenStateStore is { } open)
        {
            services.AddSingleton(await open(RegisteredClock(services), cancellationToken).ConfigureAwait(false));
            services.AddResilientStateStore();
        }

        if (cloud.ObjectStore is { } objectStore)
        {
            services.AddSingleton(objectStore);
            services.AddResilientObjectStore();
        }

        if (cloud.Publisher is { } publisher)
        {
            services.AddSingleton(publisher);
            services.AddResilientMessagePublisher();
        }

        if (cloud.EventPublisher is { } eventPublisher)
        {
            services.AddSingleton(eventPublisher);
            services.AddResilientEventPublisher();
        }

        if (cloud.DeadLetters is { } deadLetters)
        {
            services.AddSingleton(sp => (IDeadLetterSink)new ResilientDeadLetterSink(
                deadLetters(sp), sp.GetRequiredService<PortableResilience>().Pipeline(PortableResilience.PublishPipeline)));
        }

        services.AddPortableResilience(r =>
        {
            r.AddPipeline(PortableResilience.StatePipeline).AddPipeline(PortableResilience.PublishPipeline);
            if (cloud.IsTransient is { } isTransient)
            {
                r.AddTransientFault(isTransient);
            }
        });
        services.AddPortableDefaults(configure);
        app.AddTo(services);
        return services;
    }

    /// <summary>Registers an app with Portable's defaults only, for the local host and tests (no cloud pieces).</summary>
    public static IServiceCollection AddFunctionApp(this IServiceCollection services, FunctionApp app, Action<PortableHostOptions> configure)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(app);
        services.AddPortableDefaults(configure);
        return app.AddTo(services);
    }

    private static TimeProvider RegisteredClock(IServiceCollection services)
    {
        for (var i = services.Count - 1; i >= 0; i--)
        {
            if (services[i] is { IsKeyedService: false, ImplementationInstance: TimeProvider clock } && services[i].ServiceType == typeof(TimeProvider))
            {
                return clock;
            }
        }

        return TimeProvider.System;
    }
}
