using System.Globalization;
using Portable.Pricing.Model;

namespace Portable.Pricing.Cli;

/// <summary>
/// The parsed <c>portable cost</c> command line: what to print, the workload, which patterns and which clouds.
/// <see cref="Parse"/> rejects a bad flag with a <see cref="CostUsageException"/> naming the flag, the value and what
/// is accepted.
/// </summary>
public sealed record CostOptions
{
    /// <summary>The usage text.</summary>
    public const string Usage = """
        portable cost [--requests N [--per month|day|second]] [--memory MB] [--duration 200ms]
                      [--pattern NAME|all] [--cloud aws|gcp|azure|all] [--free-tier on|off]
                      [--arch x86|arm64] [--front http|rest|none] [--concurrency N]
        portable cost --prices

          With no --requests: each pattern's monthly cost at 1K, 10K, 100K and 1M invocations a day on every cloud.
          With --requests: that workload's bill, a table of line items per cloud (the bare function unless --pattern).
          --requests N      invocations (K, M or B suffixes: 10M); --per month (default), day or second
          --memory MB       memory per function, 128 to 10240 (default 256)
          --duration D      time per execution: 200ms, 1.5s or a number of ms (default 200ms)
          --pattern NAME    function, items, ledger, saga, choreography, schedule, fanout, events, streams, or all
          --cloud C         aws, gcp, azure or all (default all)
          --free-tier on    subtract the always-free monthly grants (default off: they are shared by the account)
          --arch            Lambda's architecture, x86 or arm64 (default: both)
          --front           what fronts HTTP functions on AWS: http (API Gateway HTTP API, default), rest, none (Function URL)
          --concurrency N   requests one Cloud Run or Flex instance serves at once (default 1)
          --prices          print every price with its unit, region, as-of date, source and status ([U] = unverified)
        """;

    private static readonly string[] ValueFlags =
        ["--requests", "--per", "--memory", "--duration", "--pattern", "--cloud", "--free-tier", "--arch", "--front", "--concurrency"];

    /// <summary>What to print.</summary>
    public CostMode Mode { get; init; } = CostMode.Summary;

    /// <summary>The workload (in summary mode its rate is replaced by each of the four daily rates).</summary>
    public Workload Workload { get; init; } = new() { MonthlyInvocations = 0 };

    /// <summary>The pattern named by <c>--pattern</c>, <c>all</c>, or <see langword="null"/> for the mode's default.</summary>
    public string? Pattern { get; init; }

    /// <summary>Lambda's architectures to print: both unless <c>--arch</c> names one.</summary>
    public IReadOnlyList<Architecture> Architectures { get; init; } = [Architecture.X86, Architecture.Arm64];

    /// <summary>The clouds to print.</summary>
    public IReadOnlyList<Cloud> Clouds { get; init; } = [Cloud.Aws, Cloud.Gcp, Cloud.Azure];

    /// <summary>Each plan of <see cref="Clouds"/> with its workload: Lambda once per architecture in <see cref="Architectures"/>.</summary>
    public IEnumerable<(HostingPlan Plan, Workload Workload)> Variants(Workload workload) =>
        Clouds.SelectMany(HostingPlans.For).SelectMany(plan => plan == HostingPlan.Lambda
            ? Architectures.Select(architecture => (plan, workload with { Architecture = architecture }))
            : [(plan, workload)]);

    /// <summary>Parses <paramref name="args"/> (the arguments after <c>cost</c>); pattern names are checked against <paramref name="patternNames"/>.</summary>
    /// <exception cref="CostUsageException">A flag is unknown, repeated, missing its value, or has a value it does not accept.</exception>
    public static CostOptions Parse(IReadOnlyList<string> args, IEnumerable<string> patternNames)
    {
        ArgumentNullException.ThrowIfNull(args);
        var names = patternNames.ToList();
        var values = new Dictionary<string, string>(StringComparer.Ordinal);
        var prices = false;
        var help = false;
        for (var i = 0; i < args.Count; i++)
        {
            var arg = args[i];
            var equals = arg.IndexOf('=', StringComparison.Ordinal);
            var flag = equals > 0 ? arg[..equals] : arg;
            if (flag is "--prices" or "--help" or "-h")
            {
                if (equals > 0)
                {
                    throw new CostUsageException($"{flag} takes no value, but was given '{arg[(equals + 1)..]}'.");
                }

                prices |= flag == "--prices";
                help |= flag != "--prices";
                continue;
            }

            if (!ValueFlags.Contains(flag))
            {
                throw new CostUsageException($"Unknown flag '{arg}'. Accepted: {string.Join(", ", ValueFlags)}, --prices, --help.");
            }

            string value;
            if (equals > 0)
            {
                value = arg[(equals + 1)..];
            }
            else if (i + 1 < args.Count && !args[i + 1].StartsWith("--", StringComparison.Ordinal))
            {
                value = args[++i];
            }
            else
            {
                throw new CostUsageException($"{flag} needs a value: {Accepted(flag)}.");
            }

            if (!values.TryAdd(flag, value))
            {
                throw new CostUsageException($"{flag} is given twice ('{values[flag]}' and '{value}'); give it once.");
            }
        }

        if (help)
        {
            return new CostOptions { Mode = CostMode.Help };
        }

        if (prices)
        {
            if (values.Count > 0)
            {
                throw new CostUsageException($"--prices prints the price data and takes no other flag, but {values.Keys.First()} was given.");
            }

            return new CostOptions { Mode = CostMode.Prices };
        }

        if (values.TryGetValue("--per", out var perAlone) && !values.ContainsKey("--requests"))
        {
            throw new CostUsageException($"--per '{perAlone}' needs --requests: the rate it qualifies.");
        }

        var workload = new Workload { MonthlyInvocations = 0 };
        if (values.TryGetValue("--requests", out var requests))
        {
            var count = ParseCount(requests);
            var per = values.GetValueOrDefault("--per", "month");
            workload = workload with
            {
                MonthlyInvocations = per switch
                {
                    "month" => count,
                    "day" => count * Workload.DaysPerMonth,
                    "second" => count * Workload.SecondsPerMonth,
                    _ => throw Bad("--per", per),
                },
            };
        }

        if (values.TryGetValue("--memory", out var memory))
        {
            workload = workload with
            {
                MemoryMb = int.TryParse(memory, NumberStyles.None, CultureInfo.InvariantCulture, out var mb) && mb is >= 128 and <= 10240
                    ? mb
                    : throw Bad("--memory", memory),
            };
        }

        if (values.TryGetValue("--duration", out var duration))
        {
            workload = workload with { DurationMs = ParseDuration(duration) };
        }

        if (values.TryGetValue("--concurrency", out var concurrency))
        {
            workload = workload with
            {
                Concurrency = int.TryParse(concurrency, NumberStyles.None, CultureInfo.InvariantCulture, out var c) && c is >= 1 and <= 1000
                    ? c
                    : throw Bad("--concurrency", concurrency),
            };
        }

        if (values.TryGetValue("--free-tier", out var freeTier))
        {
            workload = workload with { FreeTier = freeTier switch { "on" => true, "off" => false, _ => throw Bad("--free-tier", freeTier) } };
        }

        IReadOnlyList<Architecture> architectures = [Architecture.X86, Architecture.Arm64];
        if (values.TryGetValue("--arch", out var arch))
        {
            workload = workload with
            {
                Architecture = arch switch { "x86" or "x86_64" => Architecture.X86, "arm64" => Architecture.Arm64, _ => throw Bad("--arch", arch) },
            };
            architectures = [workload.Architecture];
        }

        if (values.TryGetValue("--front", out var front))
        {
            workload = workload with
            {
                FrontDoor = front switch { "http" => FrontDoor.Http, "rest" => FrontDoor.Rest, "none" => FrontDoor.None, _ => throw Bad("--front", front) },
            };
        }

        IReadOnlyList<Cloud> clouds = [Cloud.Aws, Cloud.Gcp, Cloud.Azure];
        if (values.TryGetValue("--cloud", out var cloud))
        {
            clouds = cloud switch
            {
                "aws" => [Cloud.Aws],
                "gcp" or "google" => [Cloud.Gcp],
                "azure" => [Cloud.Azure],
                "all" => clouds,
                _ => throw Bad("--cloud", cloud),
            };
        }

        string? pattern = null;
        if (values.TryGetValue("--pattern", out var named))
        {
            pattern = named == "all" || names.Contains(named, StringComparer.Ordinal)
                ? named
                : throw new CostUsageException($"--pattern: '{named}' is not a pattern. Accepted: {string.Join(", ", names)}, all.");
        }

        return new CostOptions
        {
            Mode = values.ContainsKey("--requests") ? CostMode.Detail : CostMode.Summary,
            Workload = workload,
            Pattern = pattern,
            Clouds = clouds,
            Architectures = architectures,
        };
    }

    private static decimal ParseCount(string text)
    {
        var multiplier = char.ToUpperInvariant(text.Length > 0 ? text[^1] : ' ') switch
        {
            'K' => 1_000m,
            'M' => 1_000_000m,
            'B' => 1_000_000_000m,
            _ => 1m,
        };
        var digits = multiplier == 1 ? text : text[..^1];
        return decimal.TryParse(digits, NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var value)
            && value * multiplier is var count && count == Math.Floor(count) && count <= 1_000_000_000_000m
            ? count
            : throw Bad("--requests", text);
    }

    private static decimal ParseDuration(string text)
    {
        var (digits, scale) = text.EndsWith("ms", StringComparison.Ordinal) ? (text[..^2], 1m)
            : text.EndsWith('s') ? (text[..^1], 1000m)
            : (text, 1m);
        return decimal.TryParse(digits, NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var value)
            && value * scale is var ms && ms > 0 && ms <= 3_600_000m
            ? ms
            : throw Bad("--duration", text);
    }

    private static CostUsageException Bad(string flag, string value) =>
        new($"{flag}: '{value}' is not accepted; {Accepted(flag)}.");

    private static string Accepted(string flag) => flag switch
    {
        "--requests" => "give a whole number of invocations up to 10^12, optionally with K, M or B (10000000, 10M)",
        "--per" => "give month, day or second",
        "--memory" => "give a whole number of MB from 128 to 10240",
        "--duration" => "give a time above 0 and at most 1 hour: 200ms, 1.5s, or a number of milliseconds",
        "--pattern" => "give a pattern name or all",
        "--cloud" => "give aws, gcp, azure or all",
        "--free-tier" => "give on or off",
        "--arch" => "give x86 or arm64",
        "--front" => "give http, rest or none",
        "--concurrency" => "give a whole number from 1 to 1000",
        _ => "see --help",
    };
}
