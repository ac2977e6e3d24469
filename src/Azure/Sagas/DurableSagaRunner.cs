using Microsoft.Azure.Functions.Worker;
using Microsoft.DurableTask.Client;
using Microsoft.DurableTask.Worker;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Portable.Azure.Worker;
using Portable.Core.Functions;
using Portable.Core.Sagas;
using Portable.Core.Settings;

namespace Portable.Azure.Sagas;

/// <summary>
/// The Durable Functions saga runner of the isolated worker, chosen with <c>PORTABLE_SAGA_RUNNER=durable</c>: each
/// saga added with <see cref="DurableSagaServiceCollectionExtensions.AddDurableSaga"/> becomes a class-based
/// orchestrator and its activities in the Durable extension's own task registry (<c>ConfigureDurableWorker</c>), which
/// reports them to the host as <c>orchestrationTrigger</c> and <c>activityTrigger</c> functions and runs them itself;
/// the manifest's functions get a <c>durableClient</c> binding (see <see cref="DurableClientSource"/>); and the
/// saga is started by <see cref="DurableSagaStarter"/> and read by <see cref="DurableSagaStateSource"/>.
/// </summary>
public static class DurableSagaRunner
{
    /// <summary>The setting that chooses how sagas run on a host.</summary>
    public const string RunnerVariable = "PORTABLE_SAGA_RUNNER";

    /// <summary>The value of <see cref="RunnerVariable"/> that chooses Durable Functions.</summary>
    public const string Durable = "durable";

    /// <summary>True when <see cref="RunnerVariable"/> is <see cref="Durable"/> (any case). Other values belong to the other runners.</summary>
    public static bool IsSelected(Func<string, string?> environment) =>
        string.Equals(new HostSettings(environment).Text(RunnerVariable), Durable, StringComparison.OrdinalIgnoreCase);

    /// <summary>The sagas <see cref="DurableSagaServiceCollectionExtensions.AddDurableSaga"/> added to <paramref name="services"/>, in order.</summary>
    public static IReadOnlyList<DurableSaga> SagasIn(IServiceCollection services)
    {
        ArgumentNullException.ThrowIfNull(services);
        return [.. services.Where(d => d.ServiceType == typeof(DurableSaga)).Select(d => d.ImplementationInstance).OfType<DurableSaga>()];
    }

    /// <summary>
    /// Registers <paramref name="sagas"/> with the Durable worker and the saga seams (replacing any other runner's),
    /// after checking that no saga function takes the name of one of <paramref name="manifest"/>'s.
    /// </summary>
    /// <exception cref="InvalidOperationException">A saga function has the name of a manifest function or of another saga's.</exception>
    /// <exception cref="NotSupportedException">More than one saga: <see cref="ISagaStarter"/> starts one.</exception>
    public static void AddTo(IFunctionsWorkerApplicationBuilder builder, IReadOnlyList<DurableSaga> sagas, FunctionManifest manifest)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(sagas);
        ArgumentNullException.ThrowIfNull(manifest);
        if (sagas.Count == 0)
        {
            return;
        }

        if (sagas.Count > 1)
        {
            throw new NotSupportedException($"The Durable runner serves one saga per app (ISagaStarter starts one); {sagas.Count} were added: {string.Join(", ", sagas.Select(s => s.Definition.Name))}.");
        }

        var taken = new HashSet<string>(manifest.Functions.Select(f => f.Name).Append(AzureHttpRoutes.FallbackFunctionName), StringComparer.OrdinalIgnoreCase);
        foreach (var name in sagas.SelectMany(s => s.FunctionNames))
        {
            if (!taken.Add(name))
            {
                throw new InvalidOperationException($"The saga function '{name}' has the name of a manifest function or of another saga's. Azure function names are unique in an app: rename one.");
            }
        }

        builder.ConfigureDurableWorker().AddTasks(registry =>
        {
            foreach (var saga in sagas)
            {
                registry.AddOrchestrator(saga.OrchestratorName, new SagaOrchestrator(saga));
                foreach (var handler in saga.Definition.HandlerNames)
                {
                    registry.AddActivity(saga.ActivityName(handler), sp => new SagaStepActivity(
                        saga, handler, saga.Handlers(sp), sp.GetRequiredService<TimeProvider>(), sp.GetRequiredService<ILogger<SagaStepActivity>>()));
                }

                registry.AddActivity(saga.SaveActivityName, sp => new SagaStateSaveActivity(saga.Records(sp)));
            }
        });

        var services = builder.Services;
        services.TryAddSingleton(sp => new DurableClientSource(sp.GetRequiredService<ILoggerFactory>(), sp.GetService<IOptions<DurableTaskClientOptions>>()));
        var only = sagas[0];
        services.RemoveAll<ISagaStarter>();
        services.RemoveAll<ISagaStateSource>();
        services.AddSingleton<ISagaStarter>(sp => new DurableSagaStarter(only, sp.GetRequiredService<DurableClientSource>(), only.Records(sp)));
        services.AddSingleton<ISagaStateSource>(sp => new DurableSagaStateSource(only, sp.GetRequiredService<DurableClientSource>()));
    }
}
