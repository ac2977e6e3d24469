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

    /// <summary>The reply for <paramref name="result"/>.</summary>
    public static SagaStepReply From(SagaStepResult result) => result.Kind switch
    {
        SagaStepResultKind.Succeeded => new("succeeded", null),
        SagaStepResultKind.Failed => new("failed", result.Reason),
        _ => new("transient", result.Reason),
    };

    /// <summary>The reply as JSON.</summary>
    public byte[] ToJson() => JsonSerializer.SerializeToUtf8Bytes(this, SagaWireJsonContext.Default.SagaStepReply);
}
