using System.Diagnostics.CodeAnalysis;
using System.Globalization;

namespace Portable.Core.Settings;

/// <summary>
/// The one way every host reads its settings (environment variables on every cloud): absent or blank is "not set";
/// a value that is set but unusable throws a <see cref="SettingsException"/> naming the variable, the value and what
/// is accepted. Nothing is silently dropped or defaulted over.
/// </summary>
public sealed class HostSettings
{
    private readonly Func<string, string?> _read;

    /// <summary>Reads settings through <paramref name="read"/> (a test passes a dictionary's lookup).</summary>
    public HostSettings(Func<string, string?> read)
    {
        ArgumentNullException.ThrowIfNull(read);
        _read = read;
    }

    /// <summary>The process environment.</summary>
    public static HostSettings Environment { get; } = new(System.Environment.GetEnvironmentVariable);

    /// <summary>The trimmed value, or null when unset or blank.</summary>
    public string? Text(string name)
    {
        var value = _read(name);
        return string.IsNullOrWhiteSpace(value) ? null : value.Trim();
    }

    /// <summary>The trimmed value; throws naming <paramref name="name"/> when it is unset.</summary>
    public string Required(string name, string accepted) =>
        Text(name) ?? throw new SettingsException($"{name} is not set: expected {accepted}.");

    /// <summary>An integer in [<paramref name="min"/>, <paramref name="max"/>], or null when unset.</summary>
    [SuppressMessage("Naming", "CA1720:Identifier contains type name", Justification = "Named after the type it parses, as Convert.ToInt32 is.")]
    public int? Int32(string name, int min, int max)
    {
        if (Text(name) is not { } text)
        {
            return null;
        }

        return int.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out var value) && value >= min && value <= max
            ? value
            : throw new SettingsException(name, text, $"a whole number from {min.ToString(CultureInfo.InvariantCulture)} to {max.ToString(CultureInfo.InvariantCulture)}");
    }

    /// <summary>A number in [<paramref name="min"/>, <paramref name="max"/>], or null when unset.</summary>
    [SuppressMessage("Naming", "CA1720:Identifier contains type name", Justification = "Named after the type it parses, as Convert.ToDouble is.")]
    public double? Double(string name, double min, double max)
    {
        if (Text(name) is not { } text)
        {
            return null;
        }

        return double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var value) && value >= min && value <= max
            ? value
            : throw new SettingsException(name, text, $"a number from {min.ToString(CultureInfo.InvariantCulture)} to {max.ToString(CultureInfo.InvariantCulture)}");
    }

    /// <summary><c>true</c>/<c>false</c>/<c>1</c>/<c>0</c> (any case), or null when unset.</summary>
    public bool? Boolean(string name) => Text(name) switch
    {
        null => null,
        "1" => true,
        "0" => false,
        var text when bool.TryParse(text, out var value) => value,
        var text => throw new SettingsException(name, text, "true, false, 1 or 0"),
    };

    /// <summary>An absolute http or https URL, or null when unset.</summary>
    public Uri? HttpUri(string name)
    {
        if (Text(name) is not { } text)
        {
            return null;
        }

        return Uri.TryCreate(text, UriKind.Absolute, out var uri) && (uri.Scheme == Uri.UriSchemeHttp || uri.Scheme == Uri.UriSchemeHttps)
            ? uri
            : throw new SettingsException(name, text, "an absolute http:// or https:// URL");
    }

    /// <summary>A positive number of seconds, or null when unset.</summary>
    public TimeSpan? Seconds(string name, double min, double max) =>
        Double(name, min, max) is { } seconds ? TimeSpan.FromSeconds(seconds) : null;

    /// <summary>
    /// A duration in [<paramref name="min"/>, <paramref name="max"/>], or null when unset: a number with a unit,
    /// <c>ms</c>, <c>s</c> or <c>m</c> (<c>350ms</c>, <c>1.5s</c>, <c>2m</c>), or a bare number of milliseconds (<c>350</c>).
    /// </summary>
    public TimeSpan? Duration(string name, TimeSpan min, TimeSpan max)
    {
        if (Text(name) is not { } text)
        {
            return null;
        }

        return TryParseDuration(text, out var value) && value >= min && value <= max
            ? value
            : throw new SettingsException(name, text, $"a duration from {FormatDuration(min)} to {FormatDuration(max)}: a number with ms, s or m (e.g. 350ms, 1.5s), or a bare number of milliseconds");
    }

    private static bool TryParseDuration(string text, out TimeSpan value)
    {
        var (number, unit) = text.EndsWith("ms", StringComparison.OrdinalIgnoreCase) ? (text[..^2], 1d)
            : text.EndsWith('s') || text.EndsWith('S') ? (text[..^1], 1_000d)
            : text.EndsWith('m') || text.EndsWith('M') ? (text[..^1], 60_000d)
            : (text, 1d);
        // Digits and one decimal point only: no sign, exponent, thousands separator, NaN or infinity.
        // 1e15 ms (some 31,000 years) keeps TimeSpan.FromMilliseconds from overflowing; no caller's range reaches it.
        if (double.TryParse(number.TrimEnd(), NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var count)
            && count * unit < 1e15)
        {
            value = TimeSpan.FromMilliseconds(count * unit);
            return true;
        }

        value = default;
        return false;
    }

    private static string FormatDuration(TimeSpan duration) =>
        duration.Ticks % TimeSpan.TicksPerMinute == 0 && duration > TimeSpan.Zero ? string.Create(CultureInfo.InvariantCulture, $"{(long)duration.TotalMinutes}m")
        : duration.Ticks % TimeSpan.TicksPerSecond == 0 && duration > TimeSpan.Zero ? string.Create(CultureInfo.InvariantCulture, $"{(long)duration.TotalSeconds}s")
        : string.Create(CultureInfo.InvariantCulture, $"{duration.TotalMilliseconds}ms");
}
