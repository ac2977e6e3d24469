using System.Text.Json.Serialization;

namespace Portable.Core.Patterns.Jobs;

/// <summary>Where a CSV job is: its chunks are being counted, or every chunk is in.</summary>
[JsonConverter(typeof(JsonStringEnumConverter<JobStatus>))]
public enum JobStatus
{
    /// <summary>Some chunks are not counted yet.</summary>
    [JsonStringEnumMemberName("running")]
    Running,

    /// <summary>Every chunk was counted (at once for a job with no data rows); the totals are final.</summary>
    [JsonStringEnumMemberName("completed")]
    Completed,
}
