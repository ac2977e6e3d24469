using System.Text.Json.Serialization;

namespace Portable.Core.Sagas;

/// <summary>Which way a step runs: forward (<c>do</c>) or as the compensation of a completed step (<c>undo</c>).</summary>
[JsonConverter(typeof(JsonStringEnumConverter<SagaPhase>))]
public enum SagaPhase
{
    /// <summary>The forward step.</summary>
    [JsonStringEnumMemberName("do")]
    Do,

    /// <summary>The compensation of a step that completed.</summary>
    [JsonStringEnumMemberName("undo")]
    Undo,
}
