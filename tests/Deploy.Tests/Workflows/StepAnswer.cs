using Portable.Core.Sagas;

namespace Portable.Deploy.Tests.Workflows;

/// <summary>How the fake step service answers one call, per the saga step contract's Cloud Run mapping.</summary>
public abstract record StepAnswer
{
    /// <summary>200 <c>{"outcome":"succeeded"}</c>.</summary>
    public static StepAnswer Succeed { get; } = new Status(200, null);

    /// <summary>422 <c>{"outcome":"failed","reason":…}</c>: failed for good.</summary>
    public static StepAnswer Fail(string reason) => new Status(422, reason);

    /// <summary>503 <c>{"outcome":"transient","reason":…}</c>: may pass, retried.</summary>
    public static StepAnswer Transient(string reason) => new Status(503, reason);

    /// <summary>Another status code, with a body the contract does not define.</summary>
    public static StepAnswer WithStatus(int code) => new Status(code, null);

    /// <summary>No connection.</summary>
    public static StepAnswer ConnectionLost { get; } = new NoAnswer(TimedOut: false);

    /// <summary>No answer within the call's timeout.</summary>
    public static StepAnswer Hang { get; } = new NoAnswer(TimedOut: true);

    /// <summary>The same answer <paramref name="count"/> times.</summary>
    public static StepAnswer[] Times(int count, StepAnswer answer) => Enumerable.Repeat(answer, count).ToArray();

    /// <summary>What the workflow's <c>http.post</c> sees.</summary>
    public abstract WorkflowHttpOutcome ToOutcome();

    /// <summary>The same answer as Portable's handlers report it to <see cref="SagaEvaluator"/>.</summary>
    public abstract SagaStepResult ToResult();

    private sealed record Status(int Code, string? Reason) : StepAnswer
    {
        public override WorkflowHttpOutcome ToOutcome() => new WorkflowHttpOutcome.Response(Code, Code switch
        {
            200 => Body(("outcome", "succeeded")),
            422 => Body(("outcome", "failed"), ("reason", Reason)),
            503 => Body(("outcome", "transient"), ("reason", Reason)),
            _ => Body(("error", $"status {Code}")),
        });

        public override SagaStepResult ToResult() => Code switch
        {
            200 => SagaStepResult.Succeeded(),
            422 => SagaStepResult.Failed(Reason!),
            503 => SagaStepResult.Transient(Reason!),
            _ => throw new InvalidOperationException($"Status {Code} has no SagaStepResult."),
        };

        private static Dictionary<string, object?> Body(params (string Key, object? Value)[] entries) =>
            entries.ToDictionary(e => e.Key, e => e.Value, StringComparer.Ordinal);
    }

    private sealed record NoAnswer(bool TimedOut) : StepAnswer
    {
        public override WorkflowHttpOutcome ToOutcome() =>
            TimedOut ? new WorkflowHttpOutcome.TimedOut() : new WorkflowHttpOutcome.ConnectionLost("Connection refused");

        public override SagaStepResult ToResult() => throw new InvalidOperationException("A lost call never reaches a handler.");
    }
}
