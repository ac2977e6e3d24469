using Portable.Core.Sagas;

namespace Portable.Core.Tests.Sagas;

/// <summary>A step that returns scripted results in turn (the last one repeats) and counts its runs.</summary>
internal sealed class ScriptedStep(params SagaStepResult[] results) : ISagaStep
{
    public int Runs { get; private set; }

    public List<SagaStepContext> Contexts { get; } = [];

    public ValueTask<SagaStepResult> RunAsync(SagaStepContext context, CancellationToken cancellationToken)
    {
        Contexts.Add(context);
        var result = results.Length == 0 ? SagaStepResult.Succeeded() : results[Math.Min(Runs, results.Length - 1)];
        Runs++;
        return ValueTask.FromResult(result);
    }
}
