using System.Security.Cryptography;
using System.Text;

namespace Portable.Core.Patterns.Jobs;

/// <summary>
/// A CSV checked and split into chunks. The split only finds record boundaries (quotes and all): rows are checked by
/// the chunk workers, so a job's rejected rows live in its chunk records, never all in one document. Blank lines are
/// not rows; they are skipped. A chunk holds up to its row count, fewer when its message would grow past
/// <see cref="CsvJobs.MaxChunkMessageBytes"/>; a row too long for any message is rejected here and reported by the
/// chunk it falls in.
/// </summary>
internal sealed class JobPlan
{
    private const int MessageOverheadBytes = 256; // {"job":…,"chunk":…,"line":…,"text":"","skipped":[]} with the longest id and numbers
    private const int SkippedEntryBytes = 96;     // {"line":…,"reason":"…"} for the longest line number and reason

    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    private JobPlan(string text, string contentHash, IReadOnlyList<ChunkPlan> chunks)
    {
        Text = text;
        ContentHash = contentHash;
        Chunks = chunks;
    }

    /// <summary>The CSV as text, byte order mark removed.</summary>
    public string Text { get; }

    /// <summary>Hex SHA-256 of the CSV's bytes.</summary>
    public string ContentHash { get; }

    /// <summary>The chunks, in order.</summary>
    public IReadOnlyList<ChunkPlan> Chunks { get; }

    /// <summary>The reason a row too long for a chunk message is rejected with.</summary>
    public static string RowTooLong { get; } = $"row is longer than {CsvJobs.MaxRowMessageBytes / 1024} KiB";

    /// <summary>Hex SHA-256 of <paramref name="csv"/>.</summary>
    public static string HashOf(ReadOnlySpan<byte> csv) => Convert.ToHexStringLower(SHA256.HashData(csv));

    /// <summary>Splits <paramref name="csv"/> into chunks of <paramref name="chunkRows"/> rows; on failure, the outcome and why.</summary>
    public static bool TrySplit(ReadOnlyMemory<byte> csv, int chunkRows, out JobPlan plan, out JobStartOutcome failure, out string error)
    {
        plan = null!;
        failure = JobStartOutcome.Invalid;
        error = string.Empty;
        if (csv.IsEmpty)
        {
            error = "The CSV is empty: it needs at least the header line 'category,amount'.";
            return false;
        }

        string text;
        try
        {
            text = StrictUtf8.GetString(csv.Span);
        }
        catch (DecoderFallbackException ex)
        {
            error = $"The CSV is not valid UTF-8 (byte {ex.Index + 1}).";
            return false;
        }

        if (text.Length > 0 && text[0] == '\uFEFF')
        {
            text = text[1..];
        }

        var reader = new CsvRecordReader(text);
        if (!reader.TryRead(out var header) || !IsHeader(header))
        {
            var found = text.AsSpan(0, header.End).ToString();
            error = $"The first line must be the header 'category,amount', not '{(found.Length > 80 ? found[..80] + "…" : found)}'.";
            return false;
        }

        var chunks = new List<ChunkPlan>();
        var builder = new Builder(chunkRows, chunks);
        while (reader.TryRead(out var record))
        {
            if (record.IsBlank)
            {
                continue;
            }

            builder.Add(record, JobsJson.EscapedLength(text.AsSpan(record.Start, record.End - record.Start)));
            if (chunks.Count > CsvJobs.MaxChunks)
            {
                failure = JobStartOutcome.TooLarge;
                error = $"The CSV needs more than {CsvJobs.MaxChunks} chunks of {chunkRows} rows.";
                return false;
            }
        }

        builder.Close();
        if (chunks.Count > CsvJobs.MaxChunks)
        {
            failure = JobStartOutcome.TooLarge;
            error = $"The CSV needs more than {CsvJobs.MaxChunks} chunks of {chunkRows} rows.";
            return false;
        }

        plan = new JobPlan(text, HashOf(csv.Span), chunks);
        return true;
    }

    /// <summary>The chunk message of chunk <paramref name="index"/> of job <paramref name="jobId"/>.</summary>
    public ChunkMessage Message(string jobId, int index)
    {
        var chunk = Chunks[index];
        return new ChunkMessage(jobId, index, chunk.Line, Text[chunk.Start..chunk.End], chunk.Skipped);
    }

    // Two fields, "category" and "amount" in that order, any case, spaces around them ignored.
    private static bool IsHeader(CsvRecord header) =>
        header.Error is null
        && header.Fields.Count == 2
        && header.Fields[0].Trim().Equals("category", StringComparison.OrdinalIgnoreCase)
        && header.Fields[1].Trim().Equals("amount", StringComparison.OrdinalIgnoreCase);

    // Gathers records into chunks: a chunk's text is one slice, so a row that must be skipped ends the slice before it.
    private sealed class Builder(int chunkRows, List<ChunkPlan> chunks)
    {
        private int _rows;
        private int _bytes;
        private int _line;
        private int _start = -1;
        private int _end;
        private List<RejectedRow>? _skipped;

        public void Add(CsvRecord record, int escapedLength)
        {
            if (escapedLength > CsvJobs.MaxRowMessageBytes)
            {
                if (_rows == chunkRows || _start >= 0 || _bytes + SkippedEntryBytes > CsvJobs.MaxChunkMessageBytes - MessageOverheadBytes)
                {
                    Close();
                }

                (_skipped ??= []).Add(new RejectedRow(record.Line, RowTooLong));
                _rows++;
                _bytes += SkippedEntryBytes;
                return;
            }

            // Line breaks and blank lines between two records of the slice are written as \r or \n: two bytes each.
            var cost = escapedLength + (_start >= 0 ? 2 * (record.Start - _end) : 0);
            if (_rows == chunkRows || _bytes + cost > CsvJobs.MaxChunkMessageBytes - MessageOverheadBytes)
            {
                Close();
                cost = escapedLength;
            }

            if (_start < 0)
            {
                _start = record.Start;
                _line = record.Line;
            }

            _end = record.End;
            _rows++;
            _bytes += cost;
        }

        public void Close()
        {
            if (_rows == 0)
            {
                return;
            }

            chunks.Add(_start >= 0 ? new ChunkPlan(_line, _start, _end, _skipped) : new ChunkPlan(2, 0, 0, _skipped));
            (_rows, _bytes, _start, _end, _skipped) = (0, 0, -1, 0, null);
        }
    }
}
