using System.Globalization;

namespace Portable.Local;

/// <summary>Settings of the embedded default host, from the command line and the environment.</summary>
public sealed record LocalHostOptions
{
    /// <summary>The port when neither <c>--port</c> nor <c>PORT</c> is given.</summary>
    public const int DefaultPort = 8080;

    /// <summary>The TCP port on localhost; 0 picks a free one (tests).</summary>
    public int Port { get; init; } = DefaultPort;

    /// <summary>The folder holding the SQLite database; created on first run.</summary>
    public string DataDirectory { get; init; } = Path.Combine(".portable", "data");

    /// <summary>The SQLite database file inside <see cref="DataDirectory"/>.</summary>
    public string DatabasePath => Path.Combine(DataDirectory, "portable.db");

    /// <summary>The folder the object store keeps buckets in (<c>{bucket}/{key}</c> files) inside <see cref="DataDirectory"/>.</summary>
    public string ObjectsDirectory => Path.Combine(DataDirectory, "objects");

    /// <summary>32 MiB, the largest object <c>PUT /_local/buckets/{bucket}/{key}</c> takes when nothing else is set.</summary>
    public const int DefaultMaxObjectBytes = 32 * 1024 * 1024;

    /// <summary>The largest object an upload to the local host may be (a larger one is answered 413).</summary>
    public int MaxObjectBytes { get; init; } = DefaultMaxObjectBytes;

    /// <summary>How long a leased queue message stays hidden before it is delivered again (the local profile's 30 s when null).</summary>
    public TimeSpan? QueueVisibilityTimeout { get; init; }

    /// <summary>Reliability drills: the share of first message deliveries failed on purpose (null: from the environment).</summary>
    public double? TransientFaultRate { get; init; }

    /// <summary>
    /// Reads <c>--port N</c>, <c>--data DIR</c>, <c>--queue-visibility SECONDS</c> and the <c>PORT</c> variable (a flag wins over the variable).
    /// Returns an error message instead of options when the input is wrong.
    /// </summary>
    public static (LocalHostOptions? Options, string? Error) Parse(IReadOnlyList<string> args, Func<string, string?> environment)
    {
        ArgumentNullException.ThrowIfNull(args);
        ArgumentNullException.ThrowIfNull(environment);
        var options = new LocalHostOptions();
        if (environment("PORT") is { Length: > 0 } envPort)
        {
            if (!TryParsePort(envPort, out var port))
            {
                return (null, $"PORT must be a number from 1 to 65535, not '{envPort}'.");
            }

            options = options with { Port = port };
        }

        for (var i = 0; i < args.Count; i++)
        {
            var arg = args[i];
            string? Value() => i + 1 < args.Count ? args[++i] : null;
            switch (arg)
            {
                case "--port":
                    var text = Value();
                    if (text is null || !TryParsePort(text, out var port))
                    {
                        return (null, $"--port needs a number from 1 to 65535, not '{text ?? "(nothing)"}'.");
                    }

                    options = options with { Port = port };
                    break;
                case "--data":
                    var dir = Value();
                    if (string.IsNullOrWhiteSpace(dir))
                    {
                        return (null, "--data needs a folder.");
                    }

                    options = options with { DataDirectory = dir };
                    break;
                case "--queue-visibility":
                    var seconds = Value();
                    if (seconds is null || !int.TryParse(seconds, NumberStyles.None, CultureInfo.InvariantCulture, out var s) || s is < 1 or > 43_200)
                    {
                        return (null, $"--queue-visibility needs a number of seconds from 1 to 43200, not '{seconds ?? "(nothing)"}'.");
                    }

                    options = options with { QueueVisibilityTimeout = TimeSpan.FromSeconds(s) };
                    break;
                default:
                    return (null, $"Unknown option '{arg}'. Try --help.");
            }
        }

        return (options, null);
    }

    private static bool TryParsePort(string text, out int port) =>
        int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out port) && port is >= 0 and <= 65535;
}
