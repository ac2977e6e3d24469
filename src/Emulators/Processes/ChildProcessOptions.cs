namespace Portable.Emulators.Processes;

/// <summary>How to start a <see cref="ChildProcess"/>.</summary>
public sealed record ChildProcessOptions
{
    /// <summary>How many output lines a process keeps when <see cref="MaxOutputLines"/> is not set: enough for any failure message.</summary>
    public const int DefaultMaxOutputLines = 1000;

    /// <summary>The executable: a path, or a name looked up on <c>PATH</c>.</summary>
    public required string FileName { get; init; }

    /// <summary>The arguments, each passed as it is (no shell quoting).</summary>
    public IReadOnlyList<string> Arguments { get; init; } = [];

    /// <summary>Variables set on top of this process's environment; a null value removes the variable.</summary>
    public IReadOnlyDictionary<string, string?> Environment { get; init; } = new Dictionary<string, string?>();

    /// <summary>The working directory; this process's current directory when null.</summary>
    public string? WorkingDirectory { get; init; }

    /// <summary>What the process is called in failure messages; the file name when null.</summary>
    public string? Name { get; init; }

    /// <summary>How many of the latest output lines (stdout and stderr together) are kept; older ones are counted and dropped.</summary>
    public int MaxOutputLines { get; init; } = DefaultMaxOutputLines;

    /// <summary>
    /// Starts a program from its build or publish folder, in that folder: a framework-dependent <c>.dll</c> under
    /// <c>dotnet</c> (see <see cref="Dotnet"/>), anything else (an apphost, a native or self-contained executable) as is.
    /// </summary>
    public static ChildProcessOptions Program(string path, params IEnumerable<string> arguments)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        var full = System.IO.Path.GetFullPath(path);
        var options = full.EndsWith(".dll", StringComparison.OrdinalIgnoreCase)
            ? Dotnet(full, arguments)
            : new ChildProcessOptions { FileName = full, Arguments = [.. arguments], Name = System.IO.Path.GetFileName(full) };
        return options with { WorkingDirectory = System.IO.Path.GetDirectoryName(full) };
    }

    /// <summary>Starts <c>dotnet <paramref name="assembly"/> <paramref name="arguments"/></c> with <see cref="ChildProcess.DotnetHost"/>.</summary>
    public static ChildProcessOptions Dotnet(string assembly, params IEnumerable<string> arguments)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(assembly);
        ArgumentNullException.ThrowIfNull(arguments);
        return new ChildProcessOptions
        {
            FileName = ChildProcess.DotnetHost,
            Arguments = [assembly, .. arguments],
            Name = Path.GetFileNameWithoutExtension(assembly),
        };
    }
}
