using Microsoft.DurableTask;
using Portable.Core.Sagas;

namespace Portable.Azure.Sagas;

/// <summary>
/// The Durable activity that writes a saga's final state into its stored record (<see cref="ISagaRecords.SaveAsync"/>),
/// so that the store agrees with the orchestration once it has ended; answers true.
/// </summary>
/// <param name="records">The saga's stored records.</param>
public sealed class SagaStateSaveActivity(ISagaRecords records) : TaskActivity<SagaState, bool>
{
    /// <inheritdoc />
    public override async Task<bool> RunAsync(TaskActivityContext context, SagaState input)
    {
        ArgumentNullException.ThrowIfNull(input);
        await records.SaveAsync(input, CancellationToken.None).ConfigureAwait(false);
        return true;
    }
}
