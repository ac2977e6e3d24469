using System.Text.Json.Serialization;

namespace Portable.Core.Sagas;

/// <summary>The final outcome of one step run (after its retries).</summary>
[JsonConverter(typeof(JsonStringEnumConverter<SagaStepOutcome>))]
public enum SagaStepOutcome
{
    /// <summary>The step did its work.</summary>
    [JsonStringEnumMemberName("succeeded")]
    Succeeded,

    /// <summary>The step failed permanently or ran out of attempts.</summary>
    [JsonStringEnumMemberName("failed")]
    Failed,
}
