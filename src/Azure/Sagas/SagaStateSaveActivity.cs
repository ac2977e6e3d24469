using Microsoft.DurableTask;
using Portable.Core.Sagas;

namespace Portable.Azure.Sagas;

/// <summary>
/// The Durable activity that writes a saga's final state into its stored record (<see cref="SagaRepositoryExtensions.SaveAsync"/>),
/// so that the store agrees with the orchestration once it has ended; answers true.
/// </summary>
/// <param name="records">Where the saga is stored.</param>
public sealed class SagaStateSaveActivity(ISagaRepository records) : TaskActivity<SagaState, bool>
{
    /// <inheritdoc />
    public override async Task<bool> RunAsync(TaskActivityContext context, SagaState input)
    {
        ArgumentNullException.ThrowIfNull(input);
        await records.SaveAsync(input, CancellationToken.None).ConfigureAwait(false);
        return true;
    }
}
