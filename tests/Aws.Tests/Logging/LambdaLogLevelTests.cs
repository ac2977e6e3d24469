using Microsoft.Extensions.Logging;
using Portable.Aws.Logging;
using Portable.Core.Settings;

namespace Portable.Aws.Tests.Logging;

public class LambdaLogLevelTests
{
    private static HostSettings Level(string? value) => new(name => name == LambdaLogLevel.Variable ? value : null);

    [Theory]
    [InlineData(null, LogLevel.Information)]
    [InlineData(" ", LogLevel.Information)]
    [InlineData("TRACE", LogLevel.Trace)]
    [InlineData("debug", LogLevel.Debug)]
    [InlineData("INFO", LogLevel.Information)]
    [InlineData(" WARN ", LogLevel.Warning)]
    [InlineData("Error", LogLevel.Error)]
    [InlineData("FATAL", LogLevel.Critical)]
    public void From_LambdaLevelOrUnset_MapsToLogLevel(string? value, LogLevel expected) =>
        Assert.Equal(expected, LambdaLogLevel.From(Level(value)));

    [Theory]
    [InlineData("verbose")]
    [InlineData("WARNING")]
    [InlineData("3")]
    public void From_AnythingElse_ThrowsNamingVariableValueAndTheLevels(string value)
    {
        var e = Assert.Throws<SettingsException>(() => LambdaLogLevel.From(Level(value)));

        Assert.Equal(LambdaLogLevel.Variable, e.Variable);
        Assert.Equal(value, e.Value);
        Assert.Contains("TRACE, DEBUG, INFO, WARN, ERROR, FATAL", e.Message, StringComparison.Ordinal);
    }
}
