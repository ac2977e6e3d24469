using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Portable.Emulators.Aws;
using Portable.TestKit;

namespace Portable.Aws.Tests.EndToEnd;

/// <summary>The real bootstrap as a child process: HTTP through each gateway shape, errors, trace propagation.</summary>
public class BootstrapProcessTests(BootstrapProcessFixture fixture) : IClassFixture<BootstrapProcessFixture>
{
    private static readonly TimeSpan InvokeTimeout = TimeSpan.FromSeconds(30);

    private async Task PostThenGetAsync(ApiGatewayEmulatorOptions options)
    {
        await using var gateway = await ApiGatewayEmulator.StartAsync(fixture.Lambda, options);
        using var http = new HttpClient { BaseAddress = gateway.BaseAddress, Timeout = InvokeTimeout };

        using var created = await http.PostAsync("items", new StringContent("""{"name":"widget","price":9.5}""", Encoding.UTF8, "application/json"));
        var createdBody = await created.Content.ReadAsStringAsync();
        Assert.True(created.StatusCode == HttpStatusCode.Created, $"{created.StatusCode}: {createdBody}");
        Assert.StartsWith("/items/", created.Headers.Location?.OriginalString, StringComparison.Ordinal);
        var id = JsonDocument.Parse(createdBody).RootElement.GetProperty("id").GetString();

        using var fetched = await http.GetAsync($"items/{id}");
        Assert.Equal(HttpStatusCode.OK, fetched.StatusCode);
        Assert.NotNull(fetched.Headers.ETag);
        var item = await fetched.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal("widget", item.GetProperty("name").GetString());
        Assert.Equal(9.5m, item.GetProperty("price").GetDecimal());

        using var missing = await http.GetAsync("items/does-not-exist");
        Assert.Equal(HttpStatusCode.NotFound, missing.StatusCode);
        Assert.Equal("application/json; charset=utf-8", missing.Content.Headers.ContentType?.ToString());
    }

    [Fact]
    public Task HttpApiV2_PostThenGetUnderNamedStage_ReturnsTheItem() =>
        PostThenGetAsync(new ApiGatewayEmulatorOptions { Format = ApiGatewayEventFormat.HttpApiV2, Stage = "dev" });

    [Fact]
    public Task HttpApiV2_PostThenGetOnDefaultStage_ReturnsTheItem() =>
        PostThenGetAsync(new ApiGatewayEmulatorOptions { Format = ApiGatewayEventFormat.HttpApiV2 });

    [Fact]
    public Task RestV1_PostThenGet_ReturnsTheItem() =>
        PostThenGetAsync(new ApiGatewayEmulatorOptions { Format = ApiGatewayEventFormat.RestV1, Stage = "prod" });

    [Fact]
    public Task FunctionUrl_PostThenGet_ReturnsTheItem() =>
        PostThenGetAsync(new ApiGatewayEmulatorOptions { Format = ApiGatewayEventFormat.FunctionUrl });

    [Fact]
    public async Task Invoke_WrongMethod_Returns405WithAllowThroughTheGateway()
    {
        await using var gateway = await ApiGatewayEmulator.StartAsync(fixture.Lambda, new ApiGatewayEmulatorOptions { Format = ApiGatewayEventFormat.RestV1 });
        using var http = new HttpClient { BaseAddress = gateway.BaseAddress, Timeout = InvokeTimeout };

        using var response = await http.DeleteAsync("items");

        Assert.Equal(HttpStatusCode.MethodNotAllowed, response.StatusCode);
        Assert.Equal("GET, POST", string.Join(", ", response.Content.Headers.Allow));
    }

    [Fact]
    public async Task Invoke_RealSamples_AreAnsweredAsHttpResponses()
    {
        foreach (var sample in new[] { "aws-apigw-v2-request.json", "aws-apigw-rest-v1-proxy-request.json" })
        {
            var result = await fixture.Lambda.InvokeAsync(Encoding.UTF8.GetBytes(RepoPaths.ReadSample(sample)), InvokeTimeout);

            Assert.True(result.IsSuccess, $"{sample}: {result.Outcome} {result.ErrorType} {result.ErrorBodyText}");
            using var json = JsonDocument.Parse(result.Payload);
            Assert.Equal(404, json.RootElement.GetProperty("statusCode").GetInt32()); // /my/path and /hello/world are not items-api routes
        }
    }

    [Fact]
    public async Task Invoke_BodyFlaggedBase64ButNotBase64_Answers400JsonErrorNotAnInvocationError()
    {
        const string payload = """{"version":"2.0","routeKey":"$default","rawPath":"/items","rawQueryString":"","headers":{"content-type":"application/json"},"requestContext":{"stage":"$default","requestId":"gw-b64","http":{"method":"POST","path":"/items"}},"body":"{\"name\":\"widget\"}","isBase64Encoded":true}""";

        var result = await fixture.Lambda.InvokeAsync(Encoding.UTF8.GetBytes(payload), InvokeTimeout);

        Assert.True(result.IsSuccess, $"{result.Outcome} {result.ErrorType} {result.ErrorBodyText}");
        using var json = JsonDocument.Parse(result.Payload);
        Assert.Equal(400, json.RootElement.GetProperty("statusCode").GetInt32());
        Assert.Equal("application/json; charset=utf-8", json.RootElement.GetProperty("headers").GetProperty("Content-Type").GetString());
        using var body = JsonDocument.Parse(json.RootElement.GetProperty("body").GetString()!);
        Assert.False(string.IsNullOrWhiteSpace(body.RootElement.GetProperty("error").GetString()));
        Assert.Contains("base64", body.RootElement.GetProperty("details").GetProperty("body").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Invoke_UnsupportedEvent_PostsErrorWithDocumentedShapeAndKeepsServing()
    {
        var result = await fixture.Lambda.InvokeAsync(Encoding.UTF8.GetBytes(RepoPaths.ReadSample("aws-sqs-event.json")), InvokeTimeout);

        Assert.Equal(LambdaInvocationOutcome.FunctionError, result.Outcome);
        Assert.Equal("Runtime.UnsupportedEvent", result.ErrorType);
        Assert.Equal("application/vnd.aws.lambda.error+json", result.ErrorContentType);
        using (var json = JsonDocument.Parse(result.ErrorBody))
        {
            Assert.Equal("Runtime.UnsupportedEvent", json.RootElement.GetProperty("errorType").GetString());
            Assert.False(string.IsNullOrWhiteSpace(json.RootElement.GetProperty("errorMessage").GetString()));
            Assert.Equal(JsonValueKind.Array, json.RootElement.GetProperty("stackTrace").ValueKind);
        }

        var next = await fixture.Lambda.InvokeAsync(Encoding.UTF8.GetBytes(RepoPaths.ReadSample("aws-apigw-v2-request.json")), InvokeTimeout);
        Assert.True(next.IsSuccess, $"{next.Outcome} {next.ErrorBodyText}");
    }

    [Fact]
    public async Task Invoke_TraceIdHeader_ReachesTheProcessEnvironment()
    {
        var trace = $"Root=1-67890abc-{Guid.NewGuid().ToString("N")[..24]};Parent=53995c3f42cd8ad8;Sampled=1";
        // An event the function cannot take is logged at Warning (a request it answers only at Debug, off by default).
        var result = await fixture.Lambda.InvokeAsync(
            new LambdaInvocationRequest { Payload = """{"detail-type":"Scheduled Event","source":"aws.events"}"""u8.ToArray(), Timeout = InvokeTimeout, TraceId = trace });
        Assert.Equal("Runtime.UnsupportedEvent", result.ErrorType);

        // The bootstrap's log lines carry _X_AMZN_TRACE_ID as read back from its own environment.
        var line = await fixture.Function.WaitForLineAsync(trace, BootstrapProcessFixture.StartupTimeout);
        using var json = JsonDocument.Parse(line);
        Assert.Equal(trace, json.RootElement.GetProperty("xrayTraceId").GetString());
        Assert.Equal(result.RequestId, json.RootElement.GetProperty("requestId").GetString());
    }
}
