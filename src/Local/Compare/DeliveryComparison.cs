using System.Globalization;
using System.Text;
using Portable.Core.Messaging;

namespace Portable.Local.Compare;

/// <summary>
/// <c>portable compare</c>: how each cloud delivers the same queue-triggered function, side by side, from the
/// delivery profiles the local emulators apply (each number with its documented source).
/// </summary>
public static class DeliveryComparison
{
    /// <summary>A Markdown table of <paramref name="profiles"/>, one row per platform, followed by the sources.</summary>
    public static string Render(IReadOnlyList<DeliveryProfile> profiles)
    {
        ArgumentNullException.ThrowIfNull(profiles);
        var text = new StringBuilder();
        text.AppendLine("| platform | batch (max) | hidden while processing | deliveries before dead-letter | redelivery delay | max message | partial failure | dead letters go to |");
        text.AppendLine("|---|---|---|---|---|---|---|---|");
        foreach (var p in profiles)
        {
            text.Append(CultureInfo.InvariantCulture, $"| {p.Key} | {p.BatchSize} ({p.MaxBatchSize:N0}) | {Duration(p.VisibilityTimeout)} | ")
                .Append(CultureInfo.InvariantCulture, $"{(p.MaxDeliveries is { } max ? max.ToString(CultureInfo.InvariantCulture) : "unlimited")} | {Backoff(p)} | {Size(p.MaxPayloadBytes)} | ")
                .AppendLine(CultureInfo.InvariantCulture, $"{p.PartialBatchFailure} | {p.DeadLetterTarget} |");
        }

        text.AppendLine();
        text.AppendLine("Sources:");
        foreach (var p in profiles)
        {
            text.AppendLine(CultureInfo.InvariantCulture, $"- {p.Key} ({p.Platform}): {p.Sources}");
        }

        return text.ToString();
    }

    private static string Backoff(DeliveryProfile p) =>
        p.RetryDelay <= TimeSpan.Zero ? "immediate"
        : p.RetryDelay == p.MaxRetryDelay ? Duration(p.RetryDelay)
        : $"{Duration(p.RetryDelay)} doubling to {Duration(p.MaxRetryDelay)}";

    private static string Duration(TimeSpan span) => span switch
    {
        { TotalMilliseconds: < 1000 } => string.Create(CultureInfo.InvariantCulture, $"{span.TotalMilliseconds:0} ms"),
        { TotalSeconds: < 60 } => string.Create(CultureInfo.InvariantCulture, $"{span.TotalSeconds:0.#} s"),
        { TotalMinutes: < 60 } => string.Create(CultureInfo.InvariantCulture, $"{span.TotalMinutes:0.#} min"),
        _ => string.Create(CultureInfo.InvariantCulture, $"{span.TotalHours:0.#} h"),
    };

    private static string Size(int bytes) =>
        bytes >= 1024 * 1024
            ? string.Create(CultureInfo.InvariantCulture, $"{bytes / (1024.0 * 1024):0.#} MiB")
            : string.Create(CultureInfo.InvariantCulture, $"{bytes / 1024.0:0.#} KiB");
}
