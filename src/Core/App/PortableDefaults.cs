using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using Portable.Core.Events;
using Portable.Core.Functions;
using Portable.Core.Idempotency;
using Portable.Core.Invocation;
using Portable.Core.Messaging;
using Portable.Core.State;
using Portable.Core.Storage;

namespace Portable.Core.App;

/// <summary>The cross-cutting defaults every host shares, in one place (as eShop's ServiceDefaults).</summary>
public static class PortableDefaults
{
    /// <summary>
    /// Registers the clock, the in-memory state store and object store (unless a host registered others first), the
    /// refusing event publisher (likewise: a host with a bus registers its own first), the
    /// middleware pipeline and the front doors (<see cref="HttpInvoker"/>, <see cref="MessageInvoker"/>,
    /// <see cref="StreamInvoker"/>, <see cref="ScheduleInvoker"/>, <see cref="SagaStepInvoker"/>,
    /// <see cref="EventInvoker"/>, <see cref="StorageInvoker"/>).
    /// Logging is the host's to configure.
    /// </summary>
    public static IServiceCollection AddPortableDefaults(this IServiceCollection services, Action<PortableHostOptions> configure)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(configure);
        var options = new PortableHostOptions();
        configure(options);
        services.AddSingleton(options);
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton<IStateStore>(sp => new InMemoryStateStore(sp.GetRequiredService<TimeProvider>()));
        services.TryAddSingleton<IObjectStore>(sp => new InMemoryObjectStore(sp.GetRequiredService<TimeProvider>()));
        // Factories rather than registrations by type: the container then builds each service by a plain call, with
        // no constructor lookup by reflection, which in a Native AOT cold start costs more than the rest of DI.
        services.TryAddSingleton(sp => new IdempotencyRecords(sp.GetRequiredService<IStateStore>(), sp.GetRequiredService<TimeProvider>()));
        services.TryAddSingleton(sp => new HttpIdempotencyMiddleware(sp.GetRequiredService<IdempotencyRecords>()));
        services.TryAddSingleton(sp => new MessageIdempotencyMiddleware(sp.GetRequiredService<IdempotencyRecords>()));
        services.TryAddSingleton(sp => new StorageIdempotencyMiddleware(sp.GetRequiredService<IdempotencyRecords>()));
        services.TryAddSingleton(sp =>
        {
            var pipeline = new FunctionPipelineBuilder()
                .UseWhen(HttpIdempotencyMiddleware.AppliesTo, sp.GetRequiredService<HttpIdempotencyMiddleware>())
                .UseWhen(StorageIdempotencyMiddleware.AppliesTo, sp.GetRequiredService<StorageIdempotencyMiddleware>());
            if (!(options.MessageIdempotencyDisabled ?? MessageIdempotencyMiddleware.DisabledByEnvironment(Environment.GetEnvironmentVariable)))
            {
                pipeline = pipeline.UseWhen(MessageIdempotencyMiddleware.AppliesTo, sp.GetRequiredService<MessageIdempotencyMiddleware>());
            }

            // Innermost, where a flaky downstream would fail: after the idempotency claim, so a retry runs again.
            var faults = options.TransientFaultRate is { } rate
                ? FaultInjectionMiddleware.WithRate(rate, Environment.GetEnvironmentVariable)
                : FaultInjectionMiddleware.FromEnvironment(Environment.GetEnvironmentVariable);
            if (faults is not null)
            {
                pipeline = pipeline.UseWhen(FaultInjectionMiddleware.AppliesTo, faults);
            }

            // Likewise innermost, where a slow downstream would be; off (and absent from the pipeline) unless asked for.
            var latency = HttpLatencyFaultMiddleware.Create(options.HttpFaultDelay, options.HttpFaultDelayPath, Environment.GetEnvironmentVariable);
            return latency is not null
                ? pipeline.UseWhen(latency.AppliesTo, latency)
                : pipeline;
        });
        services.TryAddSingleton(sp => new InvocationEngine(
            sp.GetRequiredService<FunctionManifest>(),
            sp.GetRequiredService<FunctionPipelineBuilder>(),
            options,
            sp,
            sp.GetRequiredService<TimeProvider>(),
            sp.GetRequiredService<ILoggerFactory>()));
        services.TryAddSingleton(sp => new HttpInvoker(sp.GetRequiredService<InvocationEngine>()));
        services.TryAddSingleton<IDeadLetterSink>(_ => new UnconfiguredDeadLetterSink());
        services.TryAddSingleton<IEventPublisher>(_ => new UnconfiguredEventPublisher());
        services.TryAddSingleton(sp => new MessageInvoker(sp.GetRequiredService<InvocationEngine>(), sp.GetRequiredService<IDeadLetterSink>()));
        services.TryAddSingleton(sp => new StreamInvoker(sp.GetRequiredService<InvocationEngine>(), sp.GetRequiredService<IDeadLetterSink>()));
        services.TryAddSingleton(sp => new ScheduleInvoker(sp.GetRequiredService<InvocationEngine>()));
        services.TryAddSingleton(sp => new SagaStepInvoker(sp.GetRequiredService<InvocationEngine>()));
        services.TryAddSingleton(sp => new EventInvoker(sp.GetRequiredService<InvocationEngine>(), sp.GetRequiredService<IDeadLetterSink>()));
        services.TryAddSingleton(sp => new StorageInvoker(sp.GetRequiredService<InvocationEngine>(), sp.GetRequiredService<IDeadLetterSink>()));
        return services;
    }
}
