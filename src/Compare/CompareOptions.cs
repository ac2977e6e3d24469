using System.Globalization;
using Portable.Compare.Scenarios;

namespace Portable.Compare;

/// <summary><c>portable compare</c>'s parsed command line.</summary>
public sealed record CompareOptions
{
    /// <summary>The report's folder.</summary>
    public string Out { get; init; } = ".";

    /// <summary>The scenarios to run, in the catalogue's order.</summary>
    public required IReadOnlyList<ICompareScenario> Chosen { get; init; }

    /// <summary>The hosts, in the report's order.</summary>
    public IReadOnlyList<string> Hosts { get; init; } = CompareHosts.All;

    /// <summary>The deployed targets, for a live run.</summary>
    public IReadOnlyDictionary<string, Uri>? Live { get; init; }

    /// <summary>The platform time scale.</summary>
    public double TimeScale { get; init; } = 0.02;

    /// <summary>List the scenarios instead of running them.</summary>
    public bool List { get; init; }

    /// <summary>Parses the arguments after <c>compare</c>.</summary>
    /// <param name="args">The arguments.</param>
    /// <param name="scenarios">The catalogue <c>--scenario</c> picks from.</param>
    /// <exception cref="CompareUsageException">An unknown option, scenario or host, a missing value, or a bad targets file.</exception>
    public static CompareOptions Parse(IReadOnlyList<string> args, IReadOnlyList<ICompareScenario> scenarios)
    {
        ArgumentNullException.ThrowIfNull(args);
        ArgumentNullException.ThrowIfNull(scenarios);
        var options = new CompareOptions { Chosen = scenarios };
        for (var i = 0; i < args.Count; i++)
        {
            string Value() => i + 1 < args.Count ? args[++i] : throw new CompareUsageException($"{args[i]} needs a value.");
            switch (args[i])
            {
                case "--out":
                    options = options with { Out = Value() };
                    break;
                case "--scenario":
                    var ids = Split(Value());
                    var unknown = ids.Where(id => scenarios.All(s => s.Id != id)).ToList();
                    options = unknown.Count == 0
                        ? options with { Chosen = [.. scenarios.Where(s => ids.Contains(s.Id))] }
                        : throw new CompareUsageException($"Unknown scenario '{unknown[0]}'. Known: {string.Join(", ", scenarios.Select(s => s.Id))}.");
                    break;
                case "--hosts":
                    var hosts = Split(Value());
                    var stranger = hosts.FirstOrDefault(h => !CompareHosts.All.Contains(h));
                    options = stranger is null
                        ? options with { Hosts = [.. CompareHosts.All.Where(hosts.Contains)] }
                        : throw new CompareUsageException($"Unknown host '{stranger}'. Known: {string.Join(", ", CompareHosts.All)}.");
                    break;
                case "--live":
                    options = options with { Live = LiveTargets.Read(Value()) };
                    break;
                case "--time-scale":
                    var text = Value();
                    options = double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var scale) && scale is > 0 and <= 1
                        ? options with { TimeScale = scale }
                        : throw new CompareUsageException($"--time-scale must be a number above 0 and at most 1, not '{text}'.");
                    break;
                case "--list":
                    options = options with { List = true };
                    break;
                default:
                    throw new CompareUsageException($"Unknown option '{args[i]}'.");
            }
        }

        return options;
    }

    private static HashSet<string> Split(string value) =>
        value.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).ToHashSet(StringComparer.Ordinal);
}
