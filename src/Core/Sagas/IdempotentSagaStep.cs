using System.Text.Json;
using Portable.Core.State;

namespace Portable.Core.Sagas;

/// <summary>
/// Makes a step idempotent by (saga id, step, phase): its final result (succeeded, or failed for good) is stored in
/// the state store, and a repeated delivery gets the stored result back without running the step again. Transient
/// results are not stored, so a retry runs. Two deliveries racing each other can both run the inner step, so the
/// inner step's own effect must also be safe to repeat (the order steps key their effects by order id).
/// </summary>
public sealed class IdempotentSagaStep(ISagaStep inner, IStateStore store) : ISagaStep
{
    /// <summary>The state-store collection holding receipts.</summary>
    public const string Collection = "saga-receipts";

    /// <summary>The receipt key of one run.</summary>
    public static string ReceiptKey(string sagaId, string step, SagaPhase phase) =>
        $"{sagaId}/{step}/{(phase == SagaPhase.Do ? "do" : "undo")}";

    /// <inheritdoc />
    public async ValueTask<SagaStepResult> RunAsync(SagaStepContext context, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);
        var key = ReceiptKey(context.SagaId, context.Step, context.Phase);
        if (await store.GetAsync(Collection, key, cancellationToken).ConfigureAwait(false) is { } stored)
        {
            var receipt = JsonSerializer.Deserialize(stored.Value.Span, SagaJsonContext.Default.SagaStepReceipt)!;
            return receipt.Succeeded ? SagaStepResult.Succeeded() : SagaStepResult.Failed(receipt.Reason ?? "failed");
        }

        var result = await inner.RunAsync(context, cancellationToken).ConfigureAwait(false);
        if (result.Kind != SagaStepResultKind.Transient)
        {
            var receipt = new SagaStepReceipt(result.Kind == SagaStepResultKind.Succeeded, result.Reason);
            await store.PutAsync(Collection, key, JsonSerializer.SerializeToUtf8Bytes(receipt, SagaJsonContext.Default.SagaStepReceipt), cancellationToken: cancellationToken).ConfigureAwait(false);
        }

        return result;
    }
}
