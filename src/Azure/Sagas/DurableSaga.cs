using Microsoft.Extensions.DependencyInjection;
using System.Text.RegularExpressions;
using Portable.Core.Sagas;

namespace Portable.Azure.Sagas;

/// <summary>
/// A saga as the Durable runner runs it: its <see cref="SagaDefinition"/>, with the handlers and the repository of the
/// saga's <see cref="SagaExecutor"/> that the app registered (<see cref="SagaServiceCollectionExtensions.AddSaga"/>). The runner registers, under names derived from the saga's name, one class-based
/// orchestrator (<see cref="SagaOrchestrator"/>, <see cref="OrchestratorName"/>), one activity per handler
/// (<see cref="SagaStepActivity"/>, <see cref="ActivityName"/>) and one activity writing the final state back to the
/// stored record (<see cref="SagaStateSaveActivity"/>, <see cref="SaveActivityName"/>).
/// </summary>
public sealed partial class DurableSaga
{
    /// <summary>
    /// Creates the Durable form of <paramref name="definition"/>.
    /// </summary>
    /// <param name="definition">The saga.</param>
    /// <exception cref="ArgumentException">A derived function name is not a valid Azure function name, or two are the same.</exception>
    public DurableSaga(SagaDefinition definition)
    {
        ArgumentNullException.ThrowIfNull(definition);
        Definition = definition;
        OrchestratorName = $"{definition.Name}-saga-orchestrator";
        SaveActivityName = $"{definition.Name}-saga-save-state";
        var names = new List<string> { OrchestratorName };
        names.AddRange(definition.HandlerNames.Select(ActivityName));
        names.Add(SaveActivityName);
        var seen = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        foreach (var name in names)
        {
            if (!FunctionNamePattern().IsMatch(name))
            {
                throw new ArgumentException($"Saga '{definition.Name}': '{name}' is not a valid Azure function name (a letter, then up to 127 letters, digits, '-' or '_').", nameof(definition));
            }

            if (!seen.Add(name))
            {
                throw new ArgumentException($"Saga '{definition.Name}' would register the function '{name}' twice: rename the handler.", nameof(definition));
            }
        }

        FunctionNames = names;
    }

    /// <summary>The saga.</summary>
    public SagaDefinition Definition { get; }

    /// <summary>The orchestrator's name (and function name): <c>{saga}-saga-orchestrator</c>.</summary>
    public string OrchestratorName { get; }

    /// <summary>The name of the activity that writes the final state into the stored record: <c>{saga}-saga-save-state</c>.</summary>
    public string SaveActivityName { get; }

    /// <summary>Every function the saga adds to the app: the orchestrator, one activity per handler, the save activity.</summary>
    public IReadOnlyList<string> FunctionNames { get; }

    /// <summary>The saga's executor in <paramref name="services"/>: its handlers and its repository.</summary>
    /// <exception cref="InvalidOperationException">The app did not register the saga.</exception>
    public SagaExecutor ExecutorIn(IServiceProvider services) =>
        services.GetKeyedService<SagaExecutor>(Definition.Name)
        ?? throw new InvalidOperationException($"Saga '{Definition.Name}' is not registered: the app's services must call AddSaga for it (AddOrders does for the order saga).");

    /// <summary>The activity (and function) running <paramref name="handler"/>: <c>{saga}-saga-{handler}</c>.</summary>
    public string ActivityName(string handler)
    {
        ArgumentException.ThrowIfNullOrEmpty(handler);
        return $"{Definition.Name}-saga-{handler}";
    }

    // Azure function names: a letter first, then letters, digits, '-' and '_', 128 characters at most.
    [GeneratedRegex("^[A-Za-z][A-Za-z0-9_-]{0,127}$", RegexOptions.CultureInvariant)]
    private static partial Regex FunctionNamePattern();
}
