using System.Text.Json;
using Portable.Emulators.Aws;

namespace Portable.Aws.Tests.EndToEnd;

/// <summary>A bootstrap that cannot pick its function, or is given an unusable setting, reports <c>/runtime/init/error</c> and exits non-zero.</summary>
public class BootstrapInitErrorTests
{
    private static async Task AssertInitErrorAsync(string? handler, string expectedType, string expectedMessage, IDictionary<string, string?>? environment = null)
    {
        await using var lambda = await LambdaRuntimeApiEmulator.StartAsync();
        await using var function = LambdaFunctionProcess.Start(new LambdaFunctionProcessOptions
        {
            BootstrapPath = BootstrapProcessFixture.BootstrapPath,
            RuntimeApi = lambda.RuntimeApi,
            Handler = handler,
            FunctionName = "items-api",
            Environment = environment ?? new Dictionary<string, string?>(),
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
        Assert.Contains(expectedMessage, json.RootElement.GetProperty("errorMessage").GetString(), StringComparison.Ordinal);
        Assert.Equal(0, json.RootElement.GetProperty("stackTrace").GetArrayLength());
        Assert.Equal(LambdaInvocationOutcome.InitError, invoke.Outcome);
        Assert.Equal(expectedType, invoke.ErrorType);
    }

    [Fact]
    public Task Start_MissingHandler_PostsInitErrorAndExitsNonZero() => AssertInitErrorAsync(null, "Runtime.MissingHandler", "items-api");

    [Fact]
    public Task Start_UnknownHandler_PostsInitErrorAndExitsNonZero() => AssertInitErrorAsync("no-such-function", "Runtime.UnknownHandler", "items-api");

    [Theory]
    [InlineData("AWS_ENDPOINT_URL_SQS=not a url", "AWS_ENDPOINT_URL_SQS='not a url' is not valid: expected an absolute http:// or https:// URL.")]
    [InlineData("PORTABLE_DYNAMODB_TABLE=PortableState;PORTABLE_DYNAMODB_ENDPOINT=localhost:8000", "PORTABLE_DYNAMODB_ENDPOINT='localhost:8000' is not valid: expected an absolute http:// or https:// URL.")]
    [InlineData("AWS_LAMBDA_LOG_LEVEL=verbose", "AWS_LAMBDA_LOG_LEVEL='verbose' is not valid: expected one of Lambda's log levels, TRACE, DEBUG, INFO, WARN, ERROR, FATAL.")]
    public Task Start_UnusableSetting_PostsInitErrorNamingVariableValueAndWhatIsAccepted(string environment, string expectedMessage) => AssertInitErrorAsync(
        "items-api",
        "Runtime.InitFailed",
        expectedMessage,
        environment.Split(';').Select(v => v.Split('=', 2)).ToDictionary(v => v[0], string? (v) => v[1]));
}
