using System.Text.Json.Serialization;
using Portable.Core.Sagas;

namespace Portable.Azure.Sagas;

/// <summary>
/// What a saga step activity returns (its result in the orchestration's history): <c>{"outcome":"succeeded"}</c>,
/// or <c>"failed"</c> / <c>"transient"</c> with the reason, the outcomes of the step contract.
/// </summary>
/// <param name="Outcome"><c>succeeded</c>, <c>failed</c> (for good) or <c>transient</c> (retried per the step's policy).</param>
/// <param name="Reason">Why it failed; null on success.</param>
public sealed record SagaStepReply(
    [property: JsonPropertyName("outcome")] string Outcome,
    [property: JsonPropertyName("reason"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? Reason = null)
{
    /// <summary>The outcome of a step that did its work.</summary>
    public const string Succeeded = "succeeded";

    /// <summary>The outcome of a step that failed for good.</summary>
    public const string Failed = "failed";

    /// <summary>The outcome of a step that may succeed if tried again.</summary>
    public const string Transient = "transient";

    /// <summary>The reply for one attempt's result.</summary>
    public static SagaStepReply From(SagaStepResult result) => result.Kind switch
    {
        SagaStepResultKind.Succeeded => new(Succeeded),
        SagaStepResultKind.Failed => new(Failed, result.Reason),
        _ => new(Transient, result.Reason),
    };

    /// <summary>The attempt's result; an outcome this type does not know counts as transient, naming it.</summary>
    public SagaStepResult ToResult() => Outcome switch
    {
        Succeeded => SagaStepResult.Succeeded(),
        Failed => SagaStepResult.Failed(Reason ?? "failed"),
        Transient => SagaStepResult.Transient(Reason ?? "transient failure"),
        _ => SagaStepResult.Transient($"the step answered an unknown outcome '{Outcome}'"),
    };
}
