using System.Text;
using Microsoft.DurableTask;
using Microsoft.Extensions.Logging;
using Portable.Core.Sagas;

namespace Portable.Azure.Sagas;

/// <summary>
/// The Durable activity of one saga handler: runs one attempt of <paramref name="handler"/> through
/// <see cref="SagaRunner.RunStepAsync"/> (within the step's timeout on the worker's clock too, a
/// <see cref="Core.Resilience.TransientException"/> answered as transient) and answers its outcome as a
/// <see cref="SagaStepReply"/>, so a failure is a result in the history, not an exception.
/// </summary>
/// <param name="saga">The saga.</param>
/// <param name="handler">The handler this activity runs.</param>
/// <param name="handlers">Every handler of the saga (the runner checks there is one for each name).</param>
/// <param name="time">The worker's clock.</param>
/// <param name="logger">Logs each attempt's outcome.</param>
public sealed partial class SagaStepActivity(DurableSaga saga, string handler, IReadOnlyDictionary<string, ISagaStep> handlers, TimeProvider time, ILogger<SagaStepActivity> logger)
    : TaskActivity<SagaStepRequest, SagaStepReply>
{
    private readonly SagaRunner runner = new(saga.Definition, handlers, time);

    /// <inheritdoc />
    /// <exception cref="InvalidOperationException">The request names another handler or another saga.</exception>
    public override async Task<SagaStepReply> RunAsync(TaskActivityContext context, SagaStepRequest input)
    {
        ArgumentNullException.ThrowIfNull(input);
        var definition = saga.Definition;
        if (input.Step != handler || input.Saga != definition.Name || !definition.TryFindHandler(handler, out var owner, out var phase) || phase != input.Phase)
        {
            throw new InvalidOperationException($"Activity '{saga.ActivityName(handler)}' runs '{handler}' of saga '{definition.Name}'; it was sent '{input.Step}' ({input.Phase}) of saga '{input.Saga}'.");
        }

        var decision = SagaDecision.Run(handler, phase, Math.Max(1, input.Attempt), TimeSpan.Zero, owner.Timeout, phase == SagaPhase.Do ? SagaStatus.Running : SagaStatus.Compensating, reason: null);
        var result = await runner.RunStepAsync(input.SagaId, decision, Encoding.UTF8.GetBytes(input.Input.GetRawText())).ConfigureAwait(false);
        LogAttempt(logger, definition.Name, input.SagaId, handler, decision.Attempt, result.Kind, result.Reason);
        return SagaStepReply.From(result);
    }

    [LoggerMessage(EventId = 3301, Level = LogLevel.Information, Message = "Saga {Saga} {SagaId}: {Step} attempt {Attempt} {Outcome} {Reason}")]
    private static partial void LogAttempt(ILogger logger, string saga, string sagaId, string step, int attempt, SagaStepResultKind outcome, string? reason);
}
