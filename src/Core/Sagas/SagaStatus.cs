using System.Text.Json.Serialization;

namespace Portable.Core.Sagas;

/// <summary>Where a saga is: not started, moving forward, undoing, or one of three terminal states.</summary>
[JsonConverter(typeof(JsonStringEnumConverter<SagaStatus>))]
public enum SagaStatus
{
    /// <summary>Recorded, no step run yet.</summary>
    [JsonStringEnumMemberName("pending")]
    Pending,

    /// <summary>Running its forward steps.</summary>
    [JsonStringEnumMemberName("running")]
    Running,

    /// <summary>A step before or at the pivot failed; the completed steps are being undone.</summary>
    [JsonStringEnumMemberName("compensating")]
    Compensating,

    /// <summary>Every forward step ran (steps after the pivot may be marked failed).</summary>
    [JsonStringEnumMemberName("completed")]
    Completed,

    /// <summary>A step failed and every completed step was undone; the reason says which and why.</summary>
    [JsonStringEnumMemberName("compensated")]
    Compensated,

    /// <summary>A compensation itself failed: the saga needs attention. The reason of the original failure is kept.</summary>
    [JsonStringEnumMemberName("failed")]
    Failed,
}
