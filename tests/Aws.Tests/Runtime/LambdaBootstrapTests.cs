using System.Text;
using System.Text.Json;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;
using Portable.Aws.Runtime;
using Portable.Core.App;
using Portable.Core.Functions;
using Portable.Core.Http;
using Portable.Emulators.Aws;
using Portable.Testing;
using Portable.TestKit;
using Portable.Core.Patterns;

namespace Portable.Aws.Tests.Runtime;

/// <summary>The runtime loop in process, against the Runtime API emulator, with a fake clock for deadlines.</summary>
[Collection(ProcessEnvironmentCollection.Name)] // the bootstrap sets _X_AMZN_TRACE_ID
public class LambdaBootstrapTests
{
    private static readonly DateTimeOffset Start = new(2026, 11, 1, 12, 0, 0, TimeSpan.Zero);

    private static string V2Event(string method, string path) =>
        Encoding.UTF8.GetString(ApiGatewayEvents.HttpApiV2(new HttpRequestBuilder(method, path).Build(), new LambdaHttpEventOptions { RequestId = "gw-1" }));

    private static FunctionManifest Manifest(HttpHandler handler) =>
        new FunctionManifestBuilder().AddHttp("probe", r => r.Map("GET", "/probe", handler)).Build();

    private static async Task<LambdaInvocationResult> RunOneAsync(FunctionTestHost harness, string payload, Func<Task>? whileRunning = null, LambdaInvocationRequest? request = null)
    {
        await using var emulator = await LambdaRuntimeApiEmulator.StartAsync(new LambdaRuntimeApiEmulatorOptions { TimeProvider = new FakeTimeProvider(Start) });
        using var client = new RuntimeApiClient(emulator.RuntimeApi);
        var bootstrap = new LambdaBootstrap(client, Portable.Aws.Events.HttpTriggerMapper.Answer(harness.HttpInvoker, NullLogger.Instance), NullLogger.Instance);
        var invocation = emulator.InvokeAsync((request ?? new LambdaInvocationRequest { Payload = default }) with { Payload = Encoding.UTF8.GetBytes(payload), Timeout = TimeSpan.FromSeconds(10) });
        var run = bootstrap.RunOnceAsync(CancellationToken.None);
        if (whileRunning is not null)
        {
            await whileRunning();
        }

        await run;
        return await invocation;
    }

    [Fact]
    public void TryResolveHandler_Missing_ReturnsMissingHandlerError()
    {
        Assert.False(LambdaBootstrap.TryResolveHandler(null, PatternsApp.Manifest, out _, out var error));
        Assert.Equal("Runtime.MissingHandler", error.ErrorType);
        Assert.Contains("items-api", error.ErrorMessage, StringComparison.Ordinal);
    }

    [Fact]
    public void TryResolveHandler_Unknown_ReturnsUnknownHandlerError()
    {
        Assert.False(LambdaBootstrap.TryResolveHandler("nope", PatternsApp.Manifest, out _, out var error));
        Assert.Equal("Runtime.UnknownHandler", error.ErrorType);
    }

    [Fact]
    public void TryResolveHandler_ManifestName_ReturnsFunction()
    {
        Assert.True(LambdaBootstrap.TryResolveHandler("items-api", PatternsApp.Manifest, out var function, out _));
        Assert.Equal("items-api", function.Name);
    }

    [Fact]
    public async Task RunOnce_HttpEvent_PassesRequestIdDeadlineAndTraceToTheFunction()
    {
        using var harness = new FunctionTestHost(Manifest((_, context, _) => ValueTask.FromResult(
            PortableHttpResponse.Empty(200)
                .WithHeader("X-Invocation", context.InvocationId)
                .WithHeader("X-Deadline", context.Deadline?.ToString("O") ?? "none")
                .WithHeader("X-Trace", context.PlatformTraceId ?? "none")
                .WithHeader("X-Env-Trace", Environment.GetEnvironmentVariable(LambdaBootstrap.TraceIdVariable) ?? "none"))));
        const string trace = "Root=1-5759e988-bd862e3fe1be46a994272793;Parent=53995c3f42cd8ad8;Sampled=1";

        var result = await RunOneAsync(harness, V2Event("GET", "/probe"), request: new LambdaInvocationRequest { Payload = default, RequestId = "req-123", TraceId = trace });

        Assert.Equal(LambdaInvocationOutcome.Success, result.Outcome);
        using var json = JsonDocument.Parse(result.Payload);
        var headers = json.RootElement.GetProperty("headers");
        Assert.Equal("req-123", headers.GetProperty("X-Invocation").GetString());
        Assert.Equal(Start.AddSeconds(10).ToString("O"), headers.GetProperty("X-Deadline").GetString());
        Assert.Equal(trace, headers.GetProperty("X-Trace").GetString());
        Assert.Equal(trace, headers.GetProperty("X-Env-Trace").GetString());
    }

    [Fact]
    public async Task RunOnce_DeadlinePasses_CancelsHandlerAndAnswers504()
    {
        var entered = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        using var harness = new FunctionTestHost(Manifest(async (_, _, ct) =>
        {
            entered.SetResult();
            await Task.Delay(Timeout.Infinite, ct);
            return PortableHttpResponse.Empty(200);
        }));

        var result = await RunOneAsync(harness, V2Event("GET", "/probe"), async () =>
        {
            await entered.Task.WaitAsync(TimeSpan.FromSeconds(30));
            harness.Clock.Advance(TimeSpan.FromSeconds(11)); // past Lambda-Runtime-Deadline-Ms (start + 10 s)
        });

        Assert.Equal(LambdaInvocationOutcome.Success, result.Outcome);
        using var json = JsonDocument.Parse(result.Payload);
        Assert.Equal(504, json.RootElement.GetProperty("statusCode").GetInt32());
    }

    [Fact]
    public async Task RunOnce_HandlerThrows_AnswersResponse500NotError()
    {
        using var harness = new FunctionTestHost(Manifest((_, _, _) => throw new InvalidOperationException("boom")));

        var result = await RunOneAsync(harness, V2Event("GET", "/probe"));

        Assert.Equal(LambdaInvocationOutcome.Success, result.Outcome);
        using var json = JsonDocument.Parse(result.Payload);
        Assert.Equal(500, json.RootElement.GetProperty("statusCode").GetInt32());
        Assert.Contains("correlationId", json.RootElement.GetProperty("body").GetString(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("""{"version":"2.0","routeKey":"$default","rawPath":"/probe","rawQueryString":"","headers":{},"requestContext":{"stage":"$default","requestId":"gw-1","http":{"method":"GET","path":"/probe"}},"body":"%%%","isBase64Encoded":true}""", false)]
    [InlineData("""{"resource":"/probe","path":"/probe","httpMethod":"GET","headers":{},"requestContext":{"stage":"prod","requestId":"gw-1"},"body":"eyJ","isBase64Encoded":true}""", true)]
    [InlineData("""{"version":"2.0","routeKey":"$default","rawPath":"/probe","rawQueryString":"","headers":{},"requestContext":{"stage":"$default","domainName":"abc.lambda-url.eu-west-1.on.aws","requestId":"r-1","http":{"method":"GET","path":"/probe"}},"body":"not*base64","isBase64Encoded":true}""", false)]
    public async Task RunOnce_BodyFlaggedBase64ButNotBase64_Answers400WithoutRunningTheFunction(string payload, bool restV1)
    {
        var calls = 0;
        using var harness = new FunctionTestHost(Manifest((_, _, _) =>
        {
            calls++;
            return ValueTask.FromResult(PortableHttpResponse.Empty(200));
        }));

        var result = await RunOneAsync(harness, payload);

        Assert.Equal(LambdaInvocationOutcome.Success, result.Outcome);
        Assert.Equal(0, calls);
        using var json = JsonDocument.Parse(result.Payload);
        Assert.Equal(400, json.RootElement.GetProperty("statusCode").GetInt32());
        Assert.Equal(restV1, json.RootElement.TryGetProperty("multiValueHeaders", out _));
        using var body = JsonDocument.Parse(json.RootElement.GetProperty("body").GetString()!);
        Assert.Equal(JsonValueKind.String, body.RootElement.GetProperty("error").ValueKind);
        Assert.Contains("base64", body.RootElement.GetProperty("details").GetProperty("body").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task RunOnce_UnsupportedEvent_PostsErrorWithDocumentedShape()
    {
        using var harness = new FunctionTestHost(PatternsApp.App);

        var result = await RunOneAsync(harness, RepoPaths.ReadSample("aws-sqs-event.json"));

        Assert.Equal(LambdaInvocationOutcome.FunctionError, result.Outcome);
        Assert.Equal("Runtime.UnsupportedEvent", result.ErrorType);
        Assert.Equal(LambdaError.ContentType, result.ErrorContentType);
        using var json = JsonDocument.Parse(result.ErrorBody);
        Assert.Equal("Runtime.UnsupportedEvent", json.RootElement.GetProperty("errorType").GetString());
        Assert.Contains("aws:sqs", json.RootElement.GetProperty("errorMessage").GetString(), StringComparison.Ordinal);
        Assert.Equal(0, json.RootElement.GetProperty("stackTrace").GetArrayLength());
    }

    [Fact]
    public async Task RunOnce_ResponseOverLimit_ReportsResponseSizeTooLarge()
    {
        var big = new string('x', 7 * 1024 * 1024);
        using var harness = new FunctionTestHost(Manifest((_, _, _) => ValueTask.FromResult(
            new PortableHttpResponse { StatusCode = 200, Headers = HeaderMap.Empty.With("Content-Type", "text/plain"), Body = Encoding.UTF8.GetBytes(big) })));

        var result = await RunOneAsync(harness, V2Event("GET", "/probe"));

        Assert.Equal(LambdaInvocationOutcome.FunctionError, result.Outcome);
        Assert.Equal("Function.ResponseSizeTooLarge", result.ErrorType);
    }

    [Fact]
    public async Task RunOnce_HandlerThrowsOutsideThePipeline_PostsAnInvocationErrorAndServesTheNextInvocation()
    {
        await using var emulator = await LambdaRuntimeApiEmulator.StartAsync(new LambdaRuntimeApiEmulatorOptions { TimeProvider = new FakeTimeProvider(Start) });
        using var client = new RuntimeApiClient(emulator.RuntimeApi);
        var calls = 0;
        var bootstrap = new LambdaBootstrap(
            client,
            (_, _) => ++calls == 1
                ? throw new InvalidOperationException("No service for type 'ILogger<Reconciler>' has been registered.")
                : ValueTask.FromResult(Portable.Aws.Events.LambdaAnswer.Respond("{}"u8.ToArray())),
            NullLogger.Instance);

        var first = emulator.InvokeAsync(Encoding.UTF8.GetBytes("{}"), TimeSpan.FromSeconds(10));
        await bootstrap.RunOnceAsync(CancellationToken.None);
        var second = emulator.InvokeAsync(Encoding.UTF8.GetBytes("{}"), TimeSpan.FromSeconds(10));
        await bootstrap.RunOnceAsync(CancellationToken.None);

        var failed = await first;
        Assert.Equal(LambdaInvocationOutcome.FunctionError, failed.Outcome);
        Assert.Equal("InvalidOperationException", failed.ErrorType);
        using var json = JsonDocument.Parse(failed.ErrorBody);
        Assert.Contains("ILogger<Reconciler>", json.RootElement.GetProperty("errorMessage").GetString(), StringComparison.Ordinal);
        Assert.Equal(LambdaInvocationOutcome.Success, (await second).Outcome);
    }

    [Fact]
    public async Task RunOnce_DeadlineBeyondATimersReach_AnswersInsteadOfCrashing()
    {
        using var harness = new FunctionTestHost(Manifest((_, _, _) => ValueTask.FromResult(PortableHttpResponse.Empty(200))));

        // The platform's clock is 60 days ahead of the function's, so its deadline is further away than a timer can wait.
        await using var emulator = await LambdaRuntimeApiEmulator.StartAsync(new LambdaRuntimeApiEmulatorOptions { TimeProvider = new FakeTimeProvider(Start.AddDays(60)) });
        using var client = new RuntimeApiClient(emulator.RuntimeApi);
        var bootstrap = new LambdaBootstrap(client, Portable.Aws.Events.HttpTriggerMapper.Answer(harness.HttpInvoker, NullLogger.Instance), NullLogger.Instance);
        var invocation = emulator.InvokeAsync(Encoding.UTF8.GetBytes(V2Event("GET", "/probe")), TimeSpan.FromSeconds(10));

        await bootstrap.RunOnceAsync(CancellationToken.None);

        Assert.Equal(LambdaInvocationOutcome.Success, (await invocation).Outcome);
    }
}
