using Microsoft.Extensions.Logging;
using Portable.Core.Settings;

namespace Portable.Aws.Logging;

/// <summary>
/// <c>AWS_LAMBDA_LOG_LEVEL</c>, the application log level of Lambda's advanced logging controls
/// (https://docs.aws.amazon.com/lambda/latest/dg/monitoring-cloudwatchlogs-advanced.html): Lambda sets it to one of
/// <see cref="Accepted"/>; any other value (set by hand, or under an emulator) stops the start-up rather than being
/// read as INFO.
/// </summary>
public static class LambdaLogLevel
{
    /// <summary>The variable's name.</summary>
    public const string Variable = "AWS_LAMBDA_LOG_LEVEL";

    /// <summary>The values Lambda sets, in any case.</summary>
    public static IReadOnlyList<string> Accepted { get; } = ["TRACE", "DEBUG", "INFO", "WARN", "ERROR", "FATAL"];

    /// <summary>The minimum level to write; Information when the variable is unset.</summary>
    /// <exception cref="SettingsException">The variable holds something else than one of <see cref="Accepted"/>.</exception>
    public static LogLevel From(HostSettings settings)
    {
        ArgumentNullException.ThrowIfNull(settings);
        if (settings.Text(Variable) is not { } text)
        {
            return LogLevel.Information;
        }

        return text.ToUpperInvariant() switch
        {
            "TRACE" => LogLevel.Trace,
            "DEBUG" => LogLevel.Debug,
            "INFO" => LogLevel.Information,
            "WARN" => LogLevel.Warning,
            "ERROR" => LogLevel.Error,
            "FATAL" => LogLevel.Critical,
            _ => throw new SettingsException(Variable, text, $"one of Lambda's log levels, {string.Join(", ", Accepted)}"),
        };
    }
}
