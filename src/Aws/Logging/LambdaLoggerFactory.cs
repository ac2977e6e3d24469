using Microsoft.Extensions.Logging;

namespace Portable.Aws.Logging;

/// <summary>
/// The bootstrap's <see cref="ILoggerFactory"/>: every logger writes through one <see cref="JsonLinesLoggerProvider"/>,
/// which filters by its <see cref="JsonLinesLoggerProvider.MinimumLevel"/>. The general <c>LoggerFactory</c> would do the
/// same after building filter rules and reading each provider's alias attribute by reflection, which costs a Native AOT
/// cold start more than the logging itself; Lambda takes its log lines from stdout and needs no other provider.
/// </summary>
public sealed class LambdaLoggerFactory(JsonLinesLoggerProvider provider) : ILoggerFactory
{
    private readonly JsonLinesLoggerProvider _provider = provider ?? throw new ArgumentNullException(nameof(provider));

    /// <inheritdoc />
    public ILogger CreateLogger(string categoryName) => _provider.CreateLogger(categoryName);

    /// <summary>Refused: the bootstrap logs only as JSON lines on stdout, which is what Lambda ships to CloudWatch.</summary>
    /// <exception cref="NotSupportedException">Always.</exception>
    public void AddProvider(ILoggerProvider provider) =>
        throw new NotSupportedException("The Lambda bootstrap writes every log line as JSON to stdout (CloudWatch Logs reads it from there); it takes no other logging provider.");

    /// <inheritdoc />
    public void Dispose() => _provider.Dispose();
}
