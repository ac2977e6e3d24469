using System.Text.Json;
using DurableTask.Core.Exceptions;
using Microsoft.DurableTask;
using Portable.Core.Sagas;

namespace Portable.Azure.Sagas;

/// <summary>
/// Starts a recorded saga as a Durable orchestration of <see cref="DurableSaga.OrchestratorName"/> through the
/// worker's <see cref="Microsoft.DurableTask.Client.DurableTaskClient"/>, with the saga id as instance id and the
/// stored record (state and input) as input. Starting twice starts once: an instance of that id, running or ended, is
/// left as it is (the Durable default would restart an ended one), and a start that loses a race to another is fine.
/// </summary>
/// <param name="saga">The saga.</param>
/// <param name="clients">The worker's Durable client.</param>
/// <param name="records">The saga's stored records.</param>
public sealed class DurableSagaStarter(DurableSaga saga, DurableClientSource clients, ISagaRecords records) : ISagaStarter
{
    /// <inheritdoc />
    /// <exception cref="InvalidOperationException">The saga is not recorded, or no Durable client is available.</exception>
    public async ValueTask StartAsync(string sagaId, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(sagaId);
        var client = clients.Client;
        if (await client.GetInstanceAsync(sagaId, getInputsAndOutputs: false, cancellationToken).ConfigureAwait(false) is not null)
        {
            return;
        }

        var record = await records.LoadAsync(sagaId, cancellationToken).ConfigureAwait(false)
            ?? throw new InvalidOperationException($"Saga '{saga.Definition.Name}' instance '{sagaId}' is not recorded.");
        using var input = JsonDocument.Parse(record.Input);
        var start = new SagaOrchestrationInput(sagaId, input.RootElement.Clone(), record.State);
        try
        {
            await client.ScheduleNewOrchestrationInstanceAsync(saga.OrchestratorName, start, new StartOrchestrationOptions(sagaId), cancellationToken).ConfigureAwait(false);
        }
        catch (OrchestrationAlreadyExistsException)
        {
            // Started by a concurrent call between the look-up and the start: once is what was asked.
        }
    }
}
