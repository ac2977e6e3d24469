using System.Text.Json;
using System.Text.Json.Serialization;

namespace Portable.Core.Sagas;

/// <summary>
/// The answer to a <see cref="SagaStepRequest"/> as JSON: <c>{"outcome":"succeeded"}</c>, or
/// <c>{"outcome":"failed"|"transient","reason":"…"}</c>. Adapters send it as their platform expects (a Cloud Run
/// status code with this body; on Lambda, the body on success and an error named for the outcome otherwise).
/// </summary>
/// <param name="Outcome">succeeded, failed or transient.</param>
/// <param name="Reason">Why it did not succeed; null on success.</param>
public sealed record SagaStepReply(
    [property: JsonPropertyName("outcome")] string Outcome,
    [property: JsonPropertyName("reason"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? Reason)
{
    /// <summary>The Lambda error type of a permanent failure, which a Step Functions <c>Catch</c> names.</summary>
    public const string FailedErrorType = "Portable.SagaStepFailed";

    /// <summary>The Lambda error type of a transient failure, which a Step Functions <c>Retry</c> names.</summary>
    public const string TransientErrorType = "Portable.SagaStepTransient";

    /// <summary>The outcome of a step that did its work.</summary>
    public const string Succeeded = "succeeded";

    /// <summary>The outcome of a step that failed for good.</summary>
    public const string Failed = "failed";

    /// <summary>The outcome of a step that may succeed if tried again.</summary>
    public const string Transient = "transient";

    /// <summary>The reply for <paramref name="result"/>.</summary>
    public static SagaStepReply From(SagaStepResult result) => result.Kind switch
    {
        SagaStepResultKind.Succeeded => new(Succeeded, null),
        SagaStepResultKind.Failed => new(Failed, result.Reason),
        _ => new(Transient, result.Reason),
    };

    /// <summary>The result the reply stands for; an outcome this type does not know counts as transient, naming it.</summary>
    public SagaStepResult ToResult() => Outcome switch
    {
        Succeeded => SagaStepResult.Succeeded(),
        Failed => SagaStepResult.Failed(Reason ?? "failed"),
        Transient => SagaStepResult.Transient(Reason ?? "transient failure"),
        _ => SagaStepResult.Transient($"the step answered an unknown outcome '{Outcome}'"),
    };

    /// <summary>The reply as JSON.</summary>
    public byte[] ToJson() => JsonSerializer.SerializeToUtf8Bytes(this, SagaWireJsonContext.Default.SagaStepReply);
}
