using System.Text.Json;
using Portable.Core.Sagas;
using Portable.Deploy.StepFunctions;
using Portable.Emulators.Aws;

namespace Portable.Deploy.Tests.StepFunctions;

/// <summary>
/// A stand-in for a saga's Lambda function, for paths the real app cannot take (a failing compensation, any saga
/// definition): it answers each step request of the saga contract from a script, after checking that the request is
/// the one <see cref="SagaEvaluator.Next"/> expects (handler, phase and attempt), and records the result into the
/// saga's state with <see cref="SagaEvaluator.Record"/>, as Portable's step front door does. So an execution of the
/// generated machine is checked, step by step, against the saga's own rules.
/// </summary>
/// <param name="definition">The saga.</param>
/// <param name="script">The result of (saga id, handler, phase, attempt).</param>
/// <param name="checkAttempts">
/// Whether the request's <c>attempt</c> must be the saga's own count. It is, unless Step Functions retried the Task
/// for an error that never reached the function (a Lambda service error): <c>$$.State.RetryCount</c> counts those too.
/// </param>
public sealed class ScriptedSagaFunction(SagaDefinition definition, Func<string, string, SagaPhase, int, SagaStepResult> script, bool checkAttempts = true)
{
    private readonly List<(string SagaId, string Step, int Attempt)> _attempts = [];
    private readonly Dictionary<string, SagaState> _states = new(StringComparer.Ordinal);
    private readonly List<string> _unexpected = [];
    private readonly TimeProvider _time = TimeProvider.System;

    /// <summary>The requests that were not what the saga expected next, each with what it expected instead.</summary>
    public IReadOnlyList<string> Unexpected
    {
        get
        {
            lock (_states)
            {
                return [.. _unexpected];
            }
        }
    }

    /// <summary>The <c>attempt</c> of each request for <paramref name="sagaId"/>, as <c>step#attempt</c>.</summary>
    public IReadOnlyList<string> Attempts(string sagaId)
    {
        lock (_states)
        {
            return [.. _attempts.Where(a => a.SagaId == sagaId).Select(a => $"{a.Step}#{a.Attempt}")];
        }
    }

    /// <summary>The saga's state as the function recorded it.</summary>
    public SagaState State(string sagaId)
    {
        lock (_states)
        {
            return _states.TryGetValue(sagaId, out var state) ? state : SagaState.Start(sagaId);
        }
    }

    /// <summary>The history as <c>step:phase:outcome</c> strings, as the order tests write it.</summary>
    public IReadOnlyList<string> History(string sagaId) =>
        [.. State(sagaId).Steps.Select(s => $"{s.Step}:{(s.Phase == SagaPhase.Do ? "do" : "undo")}:{(s.Outcome == SagaStepOutcome.Succeeded ? "succeeded" : "failed")}")];

    /// <summary>Answers one invocation.</summary>
    public Task<LambdaInvocationResult> InvokeAsync(ReadOnlyMemory<byte> payload, CancellationToken cancellationToken)
    {
        var request = JsonDocument.Parse(payload).RootElement;
        var sagaId = request.GetProperty("sagaId").GetString()!;
        var step = request.GetProperty("step").GetString()!;
        var phase = request.GetProperty("phase").GetString() == "undo" ? SagaPhase.Undo : SagaPhase.Do;
        var attempt = request.GetProperty("attempt").GetInt32();
        SagaStepResult result;
        lock (_states)
        {
            var state = _states.TryGetValue(sagaId, out var known) ? known : SagaEvaluator.WithStatus(definition, SagaState.Start(sagaId));
            var expected = SagaEvaluator.Next(definition, state);
            if (request.GetProperty("saga").GetString() != definition.Name
                || expected.Kind != SagaDecisionKind.Run || expected.Step != step || expected.Phase != phase || (checkAttempts && expected.Attempt != attempt))
            {
                _unexpected.Add($"{sagaId}: got {step} {phase} attempt {attempt}; expected {(expected.Kind == SagaDecisionKind.Run ? $"{expected.Step} {expected.Phase} attempt {expected.Attempt}" : $"nothing (finished {expected.Status})")}");
            }

            _attempts.Add((sagaId, step, attempt));

            result = script(sagaId, step, phase, attempt);
            _states[sagaId] = SagaEvaluator.Record(definition, state, step, phase, result, _time.GetUtcNow());
        }

        return Task.FromResult(Answer(result));
    }

    // The saga contract's Lambda answers: {"outcome":"succeeded"}, or an invocation error typed Portable.SagaStepFailed / Portable.SagaStepTransient.
    private static LambdaInvocationResult Answer(SagaStepResult result)
    {
        var requestId = Guid.NewGuid().ToString();
        if (result.Kind == SagaStepResultKind.Succeeded)
        {
            return new LambdaInvocationResult { RequestId = requestId, Outcome = LambdaInvocationOutcome.Success, Payload = """{"outcome":"succeeded"}"""u8.ToArray() };
        }

        var errorType = result.Kind == SagaStepResultKind.Failed ? StepFunctionsGenerator.StepFailedError : StepFunctionsGenerator.StepTransientError;
        return new LambdaInvocationResult
        {
            RequestId = requestId,
            Outcome = LambdaInvocationOutcome.FunctionError,
            ErrorType = errorType,
            ErrorBody = LambdaInvokeApi.ErrorPayload(errorType, result.Reason!),
        };
    }
}
