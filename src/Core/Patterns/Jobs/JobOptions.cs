using Portable.Core.Settings;

namespace Portable.Core.Patterns.Jobs;

/// <summary>How CSV jobs are split and how large they may be. Read from the environment by <see cref="FromSettings"/>.</summary>
public sealed record JobOptions
{
    /// <summary>Data rows per chunk when nothing else is set (issue 11).</summary>
    public const int DefaultChunkRows = 100;

    /// <summary>
    /// The most rows a chunk may hold: with a chunk message of at most <see cref="CsvJobs.MaxChunkMessageBytes"/>, a
    /// chunk's record (its totals and rejected rows) stays well under the 64 KiB a Table Storage value may hold.
    /// </summary>
    public const int MaxChunkRows = 500;

    /// <summary>1 MiB, the largest CSV when nothing else is set: the same as the hosts' default request body limit.</summary>
    public const int DefaultMaxCsvBytes = 1024 * 1024;

    /// <summary>
    /// 8 MiB, the largest <see cref="MaxCsvBytes"/> accepted: below it every sum stays exact in a <see cref="decimal"/>
    /// (see <see cref="CsvJobs"/>), and the chunks of one job are published by one invocation.
    /// </summary>
    public const int MaxCsvBytesLimit = 8 * 1024 * 1024;

    /// <summary>The variable setting <see cref="ChunkRows"/>.</summary>
    public const string ChunkRowsVariable = "PORTABLE_JOBS_CHUNK_ROWS";

    /// <summary>The variable setting <see cref="MaxCsvBytes"/>.</summary>
    public const string MaxCsvBytesVariable = "PORTABLE_JOBS_MAX_BYTES";

    /// <summary>Data rows per chunk, 1 to <see cref="MaxChunkRows"/> (default <see cref="DefaultChunkRows"/>). A chunk is cut earlier when its message would pass <see cref="CsvJobs.MaxChunkMessageBytes"/>.</summary>
    public int ChunkRows { get; init; } = DefaultChunkRows;

    /// <summary>
    /// The largest CSV in bytes, 1 KiB to <see cref="MaxCsvBytesLimit"/> (default <see cref="DefaultMaxCsvBytes"/>); a
    /// larger one is refused (413). Raising it past the host's request body limit only helps uploads.
    /// </summary>
    public int MaxCsvBytes { get; init; } = DefaultMaxCsvBytes;

    /// <summary>The options <paramref name="settings"/> give: <c>PORTABLE_JOBS_CHUNK_ROWS</c>, <c>PORTABLE_JOBS_MAX_BYTES</c>, defaults for what is unset.</summary>
    /// <exception cref="SettingsException">A variable is set to a value out of its range.</exception>
    public static JobOptions FromSettings(HostSettings settings)
    {
        ArgumentNullException.ThrowIfNull(settings);
        return new JobOptions
        {
            ChunkRows = settings.Int32(ChunkRowsVariable, 1, MaxChunkRows) ?? DefaultChunkRows,
            MaxCsvBytes = settings.Int32(MaxCsvBytesVariable, 1024, MaxCsvBytesLimit) ?? DefaultMaxCsvBytes,
        };
    }

    /// <summary>Checks the values; throws naming the bad one.</summary>
    public void Validate()
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(ChunkRows, 1, nameof(ChunkRows));
        ArgumentOutOfRangeException.ThrowIfGreaterThan(ChunkRows, MaxChunkRows, nameof(ChunkRows));
        ArgumentOutOfRangeException.ThrowIfLessThan(MaxCsvBytes, 1024, nameof(MaxCsvBytes));
        ArgumentOutOfRangeException.ThrowIfGreaterThan(MaxCsvBytes, MaxCsvBytesLimit, nameof(MaxCsvBytes));
    }
}
