using Microsoft.Extensions.DependencyInjection;

namespace Portable.Azure.Worker;

/// <summary>Replaces the registration a container resolves for a service with a decorator over it.</summary>
internal static class ServiceDecoration
{
    /// <summary>
    /// Wraps the last registration of <typeparamref name="TService"/> (the one the container resolves) in
    /// <paramref name="decorate"/>, keeping its lifetime. The decorated instance is built from that registration
    /// whether it was a type, a factory or an instance.
    /// </summary>
    /// <exception cref="InvalidOperationException">Nothing registers <typeparamref name="TService"/>.</exception>
    public static void Decorate<TService>(IServiceCollection services, Func<IServiceProvider, TService, TService> decorate)
        where TService : class
    {
        for (var i = services.Count - 1; i >= 0; i--)
        {
            var inner = services[i];
            if (inner.ServiceType != typeof(TService) || inner.IsKeyedService)
            {
                continue;
            }

            services[i] = ServiceDescriptor.Describe(typeof(TService), sp => decorate(sp, Create<TService>(sp, inner)), inner.Lifetime);
            return;
        }

        throw new InvalidOperationException($"No {typeof(TService).Name} is registered to decorate; ConfigureFunctionsWorkerDefaults registers one.");
    }

    private static TService Create<TService>(IServiceProvider services, ServiceDescriptor descriptor) =>
        (TService)(descriptor.ImplementationInstance
            ?? descriptor.ImplementationFactory?.Invoke(services)
            ?? ActivatorUtilities.CreateInstance(services, descriptor.ImplementationType!));
}
