using System.Globalization;

namespace Portable.Benchmarks;

/// <summary>What one benchmark run does; parsed from the command line (<c>--help</c> lists the switches).</summary>
internal sealed record BenchmarkOptions
{
    public const string Usage = """
        Usage: dotnet run -c Release --project tests/Benchmarks [-- options]
          --quick             short run: 3 cold starts, 1 s warm-up, 3 s of load per variant
          --runs N            cold starts per variant (median reported; default 5)
          --duration S        seconds of measured warm load per variant (default 10)
          --warmup S          seconds of unmeasured load before it (default 3)
          --concurrency C     requests in flight during warm load (default 4)
          --only aws|gcp|azure  benchmark one host only
          --build aot|jit|r2r|fdd  benchmark one build only (Native AOT or self-contained JIT for aws/gcp;
                              ReadyToRun or plain framework-dependent for azure)
          --no-publish        reuse tests/Benchmarks/artifacts from an earlier run instead of publishing again
          --output PATH       where to write the markdown (default tests/Benchmarks/results.md)
          --env NAME=VALUE    extra environment for every started host (repeatable), e.g. AWS_LAMBDA_LOG_LEVEL=ERROR
          --queues            the queue benchmark instead: the ledger's messages/s through every host and store
                              (writes tests/Benchmarks/queue-results.md; --quick: 400 messages in 4 drains)
          --messages N        queue benchmark: timed messages per host process (default 5000)
          --segments N        queue benchmark: timed drains they are split into, median reported (default 10)
        """;

    public int ColdStarts { get; init; } = 5;

    public TimeSpan WarmUp { get; init; } = TimeSpan.FromSeconds(3);

    public TimeSpan Duration { get; init; } = TimeSpan.FromSeconds(10);

    public int Concurrency { get; init; } = 4;

    public bool Publish { get; init; } = true;

    public bool Quick { get; init; }

    public HostKind? Only { get; init; }

    /// <summary>The one build to benchmark (<c>--build</c>), or null for both.</summary>
    public BuildKind? OnlyBuild { get; init; }

    /// <summary>Run the queue benchmark (<see cref="QueueBench"/>) instead of the cold-start one.</summary>
    public bool Queues { get; init; }

    /// <summary>Queue benchmark: timed messages per host process (null: 5000, or 400 with --quick).</summary>
    public int? QueueMessages { get; init; }

    /// <summary>Queue benchmark: timed drains the messages are split into (null: 10, or 4 with --quick).</summary>
    public int? QueueSegments { get; init; }

    /// <summary>True when --output was given (the queue benchmark otherwise writes queue-results.md).</summary>
    public bool OutputGiven { get; init; }

    public required string OutputPath { get; init; }

    /// <summary>Extra environment variables for every host the benchmark starts (<c>--env</c>).</summary>
    public IReadOnlyDictionary<string, string> Environment { get; init; } = new Dictionary<string, string>(StringComparer.Ordinal);

    /// <summary>The arguments as given, to print the command that reproduces the run.</summary>
    public required IReadOnlyList<string> Arguments { get; init; }

    public static bool TryParse(IReadOnlyList<string> args, string repoRoot, out BenchmarkOptions options, out string? error)
    {
        options = new BenchmarkOptions { OutputPath = Path.Combine(repoRoot, "tests", "Benchmarks", "results.md"), Arguments = args };
        error = null;
        for (var i = 0; i < args.Count; i++)
        {
            var arg = args[i];
            string Value() => i + 1 < args.Count ? args[++i] : throw new FormatException($"{arg} needs a value.");
            try
            {
                options = arg switch
                {
                    "--quick" => options with { Quick = true, ColdStarts = 3, WarmUp = TimeSpan.FromSeconds(1), Duration = TimeSpan.FromSeconds(3) },
                    "--runs" => options with { ColdStarts = Positive(arg, Value()) },
                    "--duration" => options with { Duration = TimeSpan.FromSeconds(Positive(arg, Value())) },
                    "--warmup" => options with { WarmUp = TimeSpan.FromSeconds(int.Parse(Value(), NumberStyles.None, CultureInfo.InvariantCulture)) },
                    "--concurrency" => options with { Concurrency = Positive(arg, Value()) },
                    "--only" => options with { Only = Value() switch { "aws" => HostKind.Lambda, "gcp" => HostKind.CloudRun, "azure" => HostKind.AzureIsolated, var other => throw new FormatException($"--only takes aws, gcp or azure, not '{other}'.") } },
                    "--build" => options with { OnlyBuild = Value() switch { "aot" => BuildKind.NativeAot, "jit" => BuildKind.SelfContainedJit, "r2r" => BuildKind.ReadyToRun, "fdd" => BuildKind.FrameworkDependentJit, var other => throw new FormatException($"--build takes aot, jit, r2r or fdd, not '{other}'.") } },
                    "--no-publish" => options with { Publish = false },
                    "--env" => options with { Environment = WithVariable(options.Environment, Value()) },
                    "--output" => options with { OutputPath = Path.GetFullPath(Value()), OutputGiven = true },
                    "--queues" => options with { Queues = true },
                    "--messages" => options with { QueueMessages = Positive(arg, Value()) },
                    "--segments" => options with { QueueSegments = Positive(arg, Value()) },
                    "--help" or "-h" => throw new FormatException(string.Empty),
                    _ => throw new FormatException($"Unknown option '{arg}'."),
                };
            }
            catch (FormatException ex)
            {
                error = ex.Message;
                return false;
            }
        }

        return true;
    }

    private static Dictionary<string, string> WithVariable(IReadOnlyDictionary<string, string> environment, string assignment)
    {
        var at = assignment.IndexOf('=', StringComparison.Ordinal);
        if (at < 1)
        {
            throw new FormatException($"--env takes NAME=VALUE, not '{assignment}'.");
        }

        return new Dictionary<string, string>(environment, StringComparer.Ordinal) { [assignment[..at]] = assignment[(at + 1)..] };
    }

    private static int Positive(string name, string text) =>
        int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var value) && value > 0
            ? value
            : throw new FormatException($"{name} takes a whole number above 0, not '{text}'.");
}
