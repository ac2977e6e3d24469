namespace Portable.Core.Sagas;

/// <summary>
/// Declares a saga step by step, in order: <c>Step</c> for a compensable step, <c>Pivot</c> for the go/no-go step
/// (at most one), then further <c>Step</c>s that run after the pivot and may not declare a compensation.
/// </summary>
public sealed class SagaDefinitionBuilder
{
    private readonly string _name;
    private readonly List<(SagaStepBuilder Step, bool IsPivot)> _steps = [];

    internal SagaDefinitionBuilder(string name) => _name = name;

    /// <summary>Adds a step.</summary>
    public SagaDefinitionBuilder Step(string name, Action<SagaStepBuilder>? configure = null) => Add(name, configure, isPivot: false);

    /// <summary>Adds the pivot step: when it succeeds, the steps after it are retried but never compensated.</summary>
    public SagaDefinitionBuilder Pivot(string name, Action<SagaStepBuilder>? configure = null) => Add(name, configure, isPivot: true);

    /// <summary>Validates the steps (unique handler names, one pivot at most, no compensation after it) and builds the definition.</summary>
    public SagaDefinition Build()
    {
        if (_steps.Count == 0)
        {
            throw new InvalidOperationException($"Saga '{_name}' declares no step.");
        }

        var names = new HashSet<string>(StringComparer.Ordinal);
        var steps = new List<SagaStepDefinition>(_steps.Count);
        var pivotSeen = false;
        foreach (var (step, isPivot) in _steps)
        {
            if (isPivot && pivotSeen)
            {
                throw new InvalidOperationException($"Saga '{_name}' declares a second pivot, '{step.Name}'.");
            }

            var afterPivot = pivotSeen;
            if (afterPivot && step.Compensation is not null)
            {
                throw new InvalidOperationException($"Step '{step.Name}' of saga '{_name}' comes after the pivot, so it is never compensated; remove its compensation '{step.Compensation}'.");
            }

            foreach (var handler in step.Compensation is null ? [step.Name] : new[] { step.Name, step.Compensation })
            {
                if (!names.Add(handler))
                {
                    throw new InvalidOperationException($"Saga '{_name}' uses the handler name '{handler}' twice.");
                }
            }

            pivotSeen |= isPivot;
            steps.Add(new SagaStepDefinition(step.Name, step.Compensation, step.RetryPolicy, step.StepTimeout, isPivot, afterPivot));
        }

        return new SagaDefinition(_name, steps);
    }

    private SagaDefinitionBuilder Add(string name, Action<SagaStepBuilder>? configure, bool isPivot)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        var step = new SagaStepBuilder(name);
        configure?.Invoke(step);
        _steps.Add((step, isPivot));
        return this;
    }
}
