using System.Collections.Concurrent;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using Portable.Emulators.Aws;
using Portable.Emulators.Tests.Http;

namespace Portable.Emulators.Tests.Aws;

/// <summary>
/// Lambda's 6 MB synchronous invoke payload limit, enforced by <see cref="LambdaRuntimeApiEmulator"/> and mapped by
/// <see cref="ApiGatewayEmulator"/>; a small runtime in the test polls the Runtime API over HTTP and records each event.
/// </summary>
public sealed class LambdaInvokePayloadLimitTests : IAsyncLifetime
{
    private readonly ConcurrentQueue<(string RequestId, int Length)> _received = new();
    private readonly CancellationTokenSource _stop = new();
    private readonly HttpClient _runtimeClient = new() { Timeout = Timeout.InfiniteTimeSpan };
    private LambdaRuntimeApiEmulator _lambda = null!;
    private Task _runtime = Task.CompletedTask;

    public async Task InitializeAsync()
    {
        _lambda = await LambdaRuntimeApiEmulator.StartAsync();
        _runtime = RunRuntimeAsync(_stop.Token);
    }

    public async Task DisposeAsync()
    {
        await _stop.CancelAsync();
        await _lambda.DisposeAsync();
        await _runtime;
        _runtimeClient.Dispose();
        _stop.Dispose();
    }

    [Fact]
    public async Task InvokeAsync_PayloadOfExactly6291456Bytes_RunsTheFunction()
    {
        var result = await _lambda.InvokeAsync(Payload(LambdaRuntimeApiEmulatorOptions.DefaultMaxRequestBytes), TimeSpan.FromSeconds(10));

        Assert.Equal(LambdaInvocationOutcome.Success, result.Outcome);
        Assert.Equal((result.RequestId, 6_291_456), Assert.Single(_received));
    }

    [Fact]
    public async Task InvokeAsync_PayloadOneByteOver_IsRefusedWithRequestEntityTooLargeAndTheFunctionNeverRuns()
    {
        var result = await _lambda.InvokeAsync(Payload(6_291_457), TimeSpan.FromSeconds(10));

        Assert.Equal(LambdaInvocationOutcome.RequestTooLarge, result.Outcome);
        Assert.False(result.IsSuccess);
        Assert.Equal("RequestEntityTooLargeException", result.ErrorType);
        using var error = JsonDocument.Parse(result.ErrorBody);
        Assert.Equal("Request must be smaller than 6291456 bytes for the InvokeFunction operation", error.RootElement.GetProperty("message").GetString());

        // A later invoke is the first the runtime sees: the refused one was never queued.
        var next = await _lambda.InvokeAsync(Payload(10), TimeSpan.FromSeconds(10));
        Assert.Equal(next.RequestId, Assert.Single(_received).RequestId);
    }

    [Theory]
    [InlineData(ApiGatewayEventFormat.HttpApiV2)]
    [InlineData(ApiGatewayEventFormat.RestV1)]
    [InlineData(ApiGatewayEventFormat.FunctionUrl)]
    public async Task Gateway_BodyWhoseEventFitsIn6MB_ReachesTheFunction(ApiGatewayEventFormat format)
    {
        await using var gateway = await ApiGatewayEmulator.StartAsync(_lambda, new ApiGatewayEmulatorOptions { Format = format });
        using var client = new HttpClient { BaseAddress = gateway.BaseAddress };
        using var response = await client.PostAsync("upload", Text(6_000_000));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.InRange(Assert.Single(_received).Length, 6_000_001, 6_291_456);
    }

    [Theory]
    [InlineData(ApiGatewayEventFormat.HttpApiV2, "application/json", "{\"message\":\"Request Entity Too Large\"}", null)]
    [InlineData(ApiGatewayEventFormat.RestV1, "application/json", "{\"message\": \"Request Too Long\"}", "BadRequestException")]
    [InlineData(ApiGatewayEventFormat.FunctionUrl, "application/json", "{\"Type\":\"User\",\"message\":\"Request must be smaller than 6291456 bytes for the InvokeFunction operation\"}", "RequestEntityTooLargeException")]
    public async Task Gateway_BodyUnder10MBWhoseEventIsOver6MB_GetsThePlatforms413AndTheFunctionNeverRuns(
        ApiGatewayEventFormat format, string contentType, string body, string? errorType)
    {
        await using var gateway = await ApiGatewayEmulator.StartAsync(_lambda, new ApiGatewayEmulatorOptions { Format = format });
        using var client = new HttpClient { BaseAddress = gateway.BaseAddress };
        using var response = await client.PostAsync("upload", Text(7_000_000)); // under API Gateway's own 10 MB quota

        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
        Assert.Equal(contentType, response.Content.Headers.ContentType?.MediaType);
        Assert.Equal(body, await response.Content.ReadAsStringAsync());
        Assert.Equal(errorType, response.Headers.TryGetValues("x-amzn-ErrorType", out var values) ? values.Single() : null);
        Assert.Empty(_received);
    }

    [Fact]
    public async Task Gateway_SmallerInvokeLimitSet_RefusesAnEventOverIt()
    {
        await using var lambda = await LambdaRuntimeApiEmulator.StartAsync(new LambdaRuntimeApiEmulatorOptions { MaxRequestBytes = 64 * 1024 });
        await using var gateway = await ApiGatewayEmulator.StartAsync(lambda, new ApiGatewayEmulatorOptions { IntegrationTimeout = TimeSpan.FromSeconds(5) });
        using var client = new HttpClient { BaseAddress = gateway.BaseAddress };
        using var response = await client.PostAsync("upload", Text(70_000));

        // No runtime polls this emulator: had the event been queued, the gateway would have waited and answered 503.
        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
        Assert.Equal("{\"message\":\"Request Entity Too Large\"}", await response.Content.ReadAsStringAsync());
    }

    private static byte[] Payload(int length)
    {
        var payload = new byte[length];
        Array.Fill(payload, (byte)'a');
        payload[0] = (byte)'"';
        payload[^1] = (byte)'"';
        return payload;
    }

    private static GeneratedContent Text(long length)
    {
        var content = new GeneratedContent(length);
        content.Headers.ContentType = new MediaTypeHeaderValue("text/plain");
        return content;
    }

    // A function that answers every event with a small proxy response, through the Runtime API's next and response calls.
    private async Task RunRuntimeAsync(CancellationToken cancellationToken)
    {
        var next = new Uri(_lambda.BaseAddress, "2018-06-01/runtime/invocation/next");
        while (!cancellationToken.IsCancellationRequested)
        {
            string requestId;
            try
            {
                using var invocation = await _runtimeClient.GetAsync(next, cancellationToken);
                if (!invocation.IsSuccessStatusCode)
                {
                    return; // the emulator is closing
                }

                requestId = invocation.Headers.GetValues("Lambda-Runtime-Aws-Request-Id").Single();
                var length = (await invocation.Content.ReadAsByteArrayAsync(cancellationToken)).Length;
                _received.Enqueue((requestId, length));
                using var answer = new StringContent("{\"statusCode\":200,\"body\":\"ok\"}", Encoding.UTF8, "application/json");
                using var posted = await _runtimeClient.PostAsync(new Uri(_lambda.BaseAddress, $"2018-06-01/runtime/invocation/{requestId}/response"), answer, cancellationToken);
            }
            catch (Exception ex) when (ex is OperationCanceledException or HttpRequestException)
            {
                return;
            }
        }
    }
}
