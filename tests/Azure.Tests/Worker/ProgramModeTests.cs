using Portable.Azure.Hosting;

namespace Portable.Azure.Tests.Worker;

/// <summary>Which Azure host a process becomes while the custom handler and the isolated worker live side by side.</summary>
public class ProgramModeTests
{
    private static Func<string, string?> Env(params (string Name, string Value)[] values) =>
        name => values.FirstOrDefault(v => v.Name == name).Value;

    [Fact]
    public void IsRequested_HostGavePort_CustomHandler() =>
        Assert.True(CustomHandlerHost.IsRequested([], Env(("FUNCTIONS_CUSTOMHANDLER_PORT", "5000"))));

    [Fact]
    public void IsRequested_LegacyPort_CustomHandler() =>
        Assert.True(CustomHandlerHost.IsRequested([], Env(("FUNCTIONS_HTTPWORKER_PORT", "5000"))));

    [Theory]
    [InlineData("--write-layout", "out")]
    [InlineData("--help")]
    [InlineData("-h")]
    public void IsRequested_CustomHandlerArguments_CustomHandler(params string[] args) =>
        Assert.True(CustomHandlerHost.IsRequested(args, Env()));

    [Fact]
    public void IsRequested_HostWorkerArguments_IsolatedWorker() =>
        Assert.False(CustomHandlerHost.IsRequested(
            ["--functions-uri", "http://127.0.0.1:5000/", "--functions-worker-id", "w", "--functions-grpc-max-message-length", "2147483647"], Env()));
}
