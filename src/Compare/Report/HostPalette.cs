using Portable.Compare.Model;

namespace Portable.Compare.Report;

/// <summary>
/// One colour per host for the whole report, so a host's bars are the same colour in every chart and its swatch in
/// every table. The four hosts the project runs have fixed colours near their vendors' own; any other host takes the
/// next colour of a spare list in the order it first appears. Every colour is a mid tone, readable on the light and
/// the dark background alike.
/// </summary>
internal sealed class HostPalette
{
    private static readonly Dictionary<string, string> Known = new(StringComparer.OrdinalIgnoreCase)
    {
        ["local"] = "#8b8f98",
        ["aws"] = "#ec7211",
        ["gcp"] = "#2f9e55",
        ["azure"] = "#1683d8",
    };

    private static readonly string[] Spare = ["#a35de8", "#e0406a", "#1c9fb8", "#c4930b", "#6b6fe8", "#d9579e"];

    private readonly Dictionary<string, string> _colours = new(StringComparer.Ordinal);

    private HostPalette()
    {
    }

    /// <summary>The palette for every host that appears in the report.</summary>
    public static HostPalette For(CompareReport report)
    {
        ArgumentNullException.ThrowIfNull(report);
        var palette = new HostPalette();
        var spare = 0;
        foreach (var host in report.Scenarios.SelectMany(s => s.Rows).Select(r => r.Host))
        {
            if (palette._colours.ContainsKey(host))
            {
                continue;
            }

            palette._colours[host] = Known.TryGetValue(host, out var colour) ? colour : Spare[spare++ % Spare.Length];
        }

        return palette;
    }

    /// <summary>The host's colour as a CSS hex colour.</summary>
    public string this[string host] => _colours[host];
}
