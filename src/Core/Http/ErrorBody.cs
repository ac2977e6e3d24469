namespace Portable.Core.Http;

/// <summary>The JSON error body every endpoint returns.</summary>
/// <param name="Error">What went wrong, in a sentence.</param>
/// <param name="Details">Per-field messages or extra facts such as the correlation id.</param>
public sealed record ErrorBody(
    [property: System.Text.Json.Serialization.JsonPropertyName("error")] string Error,
    [property: System.Text.Json.Serialization.JsonPropertyName("details"), System.Text.Json.Serialization.JsonIgnore(Condition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull)] Dictionary<string, string>? Details);
