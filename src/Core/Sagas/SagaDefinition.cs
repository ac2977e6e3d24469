namespace Portable.Core.Sagas;

/// <summary>
/// A saga declared once: its ordered steps with their compensations, retry policies, timeouts and pivot. Portable's
/// coordinator, the Durable orchestrator and the generated Step Functions and Workflows definitions all follow it
/// through <see cref="SagaEvaluator"/>'s rules.
/// </summary>
public sealed class SagaDefinition
{
    private readonly Dictionary<string, (SagaStepDefinition Step, SagaPhase Phase)> _handlers = new(StringComparer.Ordinal);

    internal SagaDefinition(string name, IReadOnlyList<SagaStepDefinition> steps)
    {
        Name = name;
        Steps = steps;
        for (var i = 0; i < steps.Count; i++)
        {
            _handlers.Add(steps[i].Name, (steps[i], SagaPhase.Do));
            if (steps[i].Compensation is { } compensation)
            {
                _handlers.Add(compensation, (steps[i], SagaPhase.Undo));
            }

            if (steps[i].IsPivot)
            {
                PivotIndex = i;
            }
        }
    }

    /// <summary>Starts declaring a saga called <paramref name="name"/>.</summary>
    public static SagaDefinitionBuilder Create(string name)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        return new SagaDefinitionBuilder(name);
    }

    /// <summary>The saga's name.</summary>
    public string Name { get; }

    /// <summary>The forward steps in the order they run.</summary>
    public IReadOnlyList<SagaStepDefinition> Steps { get; }

    /// <summary>The pivot's index in <see cref="Steps"/>, or -1 when every step is compensable.</summary>
    public int PivotIndex { get; } = -1;

    /// <summary>Every handler name: each step and each compensation.</summary>
    public IReadOnlyCollection<string> HandlerNames => _handlers.Keys;

    /// <summary>The forward step a handler belongs to and the phase it runs in; false for a name the saga does not use.</summary>
    public bool TryFindHandler(string handler, out SagaStepDefinition step, out SagaPhase phase)
    {
        ArgumentNullException.ThrowIfNull(handler);
        var found = _handlers.TryGetValue(handler, out var entry);
        (step, phase) = entry;
        return found;
    }
}
