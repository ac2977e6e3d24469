namespace Portable.Core.Patterns.Jobs;

/// <summary>
/// One CSV record as <see cref="CsvRecordReader"/> read it: the physical line it starts on, where its text lies in the
/// input (line break excluded), its fields, and why it is malformed when its quoting breaks RFC 4180.
/// </summary>
/// <param name="Line">The line the record starts on, the first line of the input being 1 (a quoted line break makes a record span lines).</param>
/// <param name="Start">The offset of its first character.</param>
/// <param name="End">The offset just past its last character, before its line break.</param>
/// <param name="Fields">The fields, unquoted; empty for a blank line.</param>
/// <param name="Error">Why its quoting is malformed, or null.</param>
internal readonly record struct CsvRecord(int Line, int Start, int End, IReadOnlyList<string> Fields, string? Error)
{
    /// <summary>An empty line: no characters before its line break.</summary>
    public bool IsBlank => Start == End && Error is null;
}
