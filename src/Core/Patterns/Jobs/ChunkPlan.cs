namespace Portable.Core.Patterns.Jobs;

/// <summary>One chunk of a split CSV: the slice of text it carries, from the record starting on <paramref name="Line"/>, and the rows skipped before it.</summary>
/// <param name="Line">The line the slice starts on.</param>
/// <param name="Start">The slice's first character.</param>
/// <param name="End">Just past the slice's last character.</param>
/// <param name="Skipped">Rows too long to carry, rejected by the split; null when none.</param>
internal sealed record ChunkPlan(int Line, int Start, int End, IReadOnlyList<RejectedRow>? Skipped);
