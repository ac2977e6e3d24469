using System.Text.Json.Serialization;

namespace Portable.Core.Patterns.Jobs;

/// <summary>A data row left out of the totals: the line it starts on (the header is line 1) and why.</summary>
/// <param name="Line">The physical line the row starts on, counting the header as line 1 and every line break, quoted ones too.</param>
/// <param name="Reason">What is wrong with it, e.g. <c>expected 2 fields, found 3</c>.</param>
public sealed record RejectedRow(
    [property: JsonPropertyName("line")] int Line,
    [property: JsonPropertyName("reason")] string Reason);
