using Microsoft.Extensions.DependencyInjection;

namespace Portable.Azure.Sagas;

/// <summary>Adds sagas for the Durable runner.</summary>
public static class DurableSagaServiceCollectionExtensions
{
    /// <summary>
    /// Adds <paramref name="saga"/> for the Durable runner. It takes effect only when the runner is chosen
    /// (<c>PORTABLE_SAGA_RUNNER=durable</c>, see <see cref="DurableSagaRunner"/>); otherwise the saga runs on the
    /// host's other runner.
    /// </summary>
    public static IServiceCollection AddDurableSaga(this IServiceCollection services, DurableSaga saga)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(saga);
        return services.AddSingleton(saga);
    }
}
