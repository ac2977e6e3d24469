using System.Text.Json;
using Portable.Core.Sagas;

namespace Portable.Azure.Sagas;

/// <summary>
/// A saga's live state as its Durable orchestration knows it: the custom status <see cref="SagaOrchestrator"/> sets
/// after every change, read through the worker's Durable client. Null when there is no orchestration of that id, it
/// is not this saga's, or it has not run its first episode yet (the stored record is then the state).
/// </summary>
/// <param name="saga">The saga.</param>
/// <param name="clients">The worker's Durable client.</param>
public sealed class DurableSagaStateSource(DurableSaga saga, DurableClientSource clients) : ISagaStateSource
{
    /// <inheritdoc />
    public async ValueTask<SagaState?> GetAsync(string sagaId, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(sagaId);
        var instance = await clients.Client.GetInstanceAsync(sagaId, getInputsAndOutputs: true, cancellationToken).ConfigureAwait(false);
        if (instance is null || !string.Equals(instance.Name, saga.OrchestratorName, StringComparison.OrdinalIgnoreCase) || string.IsNullOrEmpty(instance.SerializedCustomStatus))
        {
            return null;
        }

        return JsonSerializer.Deserialize(instance.SerializedCustomStatus, SagaJsonContext.Default.SagaState);
    }
}
