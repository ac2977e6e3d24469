using System.Text.Json;
using Portable.Emulators.Aws;

namespace Portable.Aws.Tests.EndToEnd;

/// <summary>A bootstrap that cannot pick its function reports <c>/runtime/init/error</c> and exits non-zero.</summary>
public class BootstrapInitErrorTests
{
    private static async Task AssertInitErrorAsync(string? handler, string expectedType)
    {
        await using var lambda = await LambdaRuntimeApiEmulator.StartAsync();
        await using var function = LambdaFunctionProcess.Start(new LambdaFunctionProcessOptions
        {
            BootstrapPath = BootstrapProcessFixture.BootstrapPath,
            RuntimeApi = lambda.RuntimeApi,
            Handler = handler,
            FunctionName = "items-api",
        });
        using var timeout = new CancellationTokenSource(BootstrapProcessFixture.StartupTimeout);

        var exitCode = await function.WaitForExitAsync(timeout.Token);
        var error = await lambda.WaitForInitErrorAsync(timeout.Token);
        var invoke = await lambda.InvokeAsync("{}"u8.ToArray(), TimeSpan.FromSeconds(5), timeout.Token);

        Assert.NotEqual(0, exitCode);
        Assert.Equal(expectedType, error.ErrorType);
        Assert.Equal("application/vnd.aws.lambda.error+json", error.ContentType);
        using var json = JsonDocument.Parse(error.Body);
        Assert.Equal(expectedType, json.RootElement.GetProperty("errorType").GetString());
        Assert.Contains("items-api", json.RootElement.GetProperty("errorMessage").GetString(), StringComparison.Ordinal);
        Assert.Equal(0, json.RootElement.GetProperty("stackTrace").GetArrayLength());
        Assert.Equal(LambdaInvocationOutcome.InitError, invoke.Outcome);
        Assert.Equal(expectedType, invoke.ErrorType);
    }

    [Fact]
    public Task Start_MissingHandler_PostsInitErrorAndExitsNonZero() => AssertInitErrorAsync(null, "Runtime.MissingHandler");

    [Fact]
    public Task Start_UnknownHandler_PostsInitErrorAndExitsNonZero() => AssertInitErrorAsync("no-such-function", "Runtime.UnknownHandler");
}
