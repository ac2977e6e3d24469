using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Portable.Aws.Events;
using Portable.Conformance.Hosts;
using Portable.Core.App;
using Portable.Core.Functions;
using Portable.Core.Invocation;
using Portable.TestKit;
using Portable.Core.Patterns;

namespace Portable.Conformance.Samples;

/// <summary>
/// The vendors' real HTTP-trigger samples (shared/protocols/samples), pointed at an Items route, go through each
/// adapter's own mapping code and reach the Items API exactly as the same HTTP request does on the local host.
/// </summary>
/// <remarks>
/// What the other test projects already prove is not repeated here: Aws.Tests maps both API Gateway samples field by
/// field (ApiGatewayRequestMapperTests) and answers them verbatim with a 404 through the real bootstrap
/// (BootstrapProcessTests.Invoke_RealSamples_AreAnsweredAsHttpResponses). Their paths (/my/path, /hello/world) are no
/// route of ours, so the gap is a sample that reaches a real route. Azure's HTTP requests reach the isolated worker
/// as gRPC <c>RpcHttp</c> messages, of which the folder has no vendor sample: the emulator builds them, and the Items
/// scenarios run through it (azure-isolated). Here each sample keeps every field as the
/// vendor wrote it except the path, which is moved to <c>/items</c>. The other samples in the folder are not HTTP
/// triggers: queue, stream, storage, schedule and Pub/Sub events, responses, runtime headers, and configuration
/// (azure-config/, whose HTTP-trigger function.json files Local.Tests parses; the custom-handler payloads there are
/// no longer served by an Azure host).
/// </remarks>
public sealed class HttpTriggerSampleTests : IAsyncLifetime
{
    private IHostUnderTest _local = null!;

    public async Task InitializeAsync() => _local = await ItemsHostsUnderTest.StartAsync("local");

    public async Task DisposeAsync() => await _local.DisposeAsync();

    [Fact]
    public async Task HttpApiV2Sample_AtItems_ReachesCreateWhichRefusesTheMissingContentTypeLikeLocal()
    {
        var sample = Sample("aws-apigw-v2-request.json");
        sample["rawPath"] = "/items";
        sample["requestContext"]!["http"]!["path"] = "/items";

        var answer = await InvokeAwsAsync(sample, HttpEventFormat.HttpApiV2);

        // The sample sends a JSON-looking body with no Content-Type header: Items' create answers 415.
        AssertError(answer, 415);
        Assert.Contains("(none)", answer.Json.GetProperty("error").GetString(), StringComparison.Ordinal);
        var local = await SendLocalAsync(
            HttpMethod.Post,
            "/items?parameter1=value1&parameter1=value2&parameter2=value",
            [("header1", "value1"), ("header2", "value1,value2"), ("Cookie", "cookie1; cookie2")],
            "{\"message\": \"hello world\", \"username\": \"tom\"}",
            contentType: null);
        AssertSameAnswer(local, answer);
    }

    [Fact]
    public async Task RestV1Sample_AtItems_ReachesCreateWhichValidatesTheBodyLikeLocal()
    {
        var sample = Sample("aws-apigw-rest-v1-proxy-request.json");
        sample["path"] = "/items"; // REST's path never carries the stage ("testStage" here)
        sample["pathParameters"]!["proxy"] = "items";

        var answer = await InvokeAwsAsync(sample, HttpEventFormat.RestV1);

        // {"a": 1} as application/json: valid JSON, so the validator names both missing fields.
        AssertError(answer, 400, "name", "price");
        var local = await SendLocalAsync(
            HttpMethod.Post,
            "/items?name=me",
            [("Accept", "*/*"), ("cache-control", "no-cache"), ("headerName", "headerValue"), ("User-Agent", "PostmanRuntime/2.4.5"), ("X-Forwarded-For", "54.240.196.186, 54.182.214.83")],
            "{\r\n\t\"a\": 1\r\n}",
            contentType: "application/json");
        AssertSameAnswer(local, answer);
    }

    private static JsonNode Sample(string name) => JsonNode.Parse(RepoPaths.ReadSample(name))!;

    private static void AssertError(Answer answer, int status, params string[] fields)
    {
        Assert.True(answer.Status == status, $"{answer.Status}, expected {status}: {answer.Body}");
        Assert.Equal("application/json", answer.MediaType);
        Assert.Equal(JsonValueKind.String, answer.Json.GetProperty("error").ValueKind);
        foreach (var field in fields)
        {
            Assert.True(answer.Json.GetProperty("details").TryGetProperty(field, out _), $"details do not name '{field}': {answer.Body}");
        }
    }

    private static void AssertSameAnswer(Answer local, Answer adapter)
    {
        Assert.Equal(local.Status, adapter.Status);
        Assert.Equal(local.MediaType, adapter.MediaType);
        Assert.Equal(local.Body, adapter.Body);
    }

    // The Lambda handler's own path, minus the Runtime API loop (Aws.Tests covers that): map, invoke, write.
    private static async Task<Answer> InvokeAwsAsync(JsonNode sample, HttpEventFormat expectedFormat)
    {
        var payload = Encoding.UTF8.GetBytes(sample.ToJsonString());
        Assert.True(ApiGatewayRequestMapper.TryMap(payload, out var httpEvent, out var error), error?.ErrorMessage);
        Assert.Equal(expectedFormat, httpEvent.Format);

        var services = new ServiceCollection();
        services.AddLogging(b => b.ClearProviders());
        services.AddPortableDefaults(o =>
        {
            o.Cloud = CloudProvider.Aws;
            o.FunctionTarget = "items-api";
        });
        PatternsApp.App.AddTo(services);
        await using var provider = services.BuildServiceProvider();
        var response = await provider.GetRequiredService<HttpInvoker>().InvokeAsync(httpEvent.Request, new InvocationInfo(httpEvent.GatewayRequestId), CancellationToken.None);

        using var written = JsonDocument.Parse(ApiGatewayResponseWriter.Write(httpEvent.Format, response));
        var root = written.RootElement;
        var body = root.GetProperty("body").GetString() ?? string.Empty;
        if (root.GetProperty("isBase64Encoded").GetBoolean())
        {
            body = Encoding.UTF8.GetString(Convert.FromBase64String(body));
        }

        var contentType = root.GetProperty("headers").EnumerateObject().FirstOrDefault(h => h.Name.Equals("Content-Type", StringComparison.OrdinalIgnoreCase)).Value;
        return new Answer(root.GetProperty("statusCode").GetInt32(), MediaType(contentType.ValueKind == JsonValueKind.String ? contentType.GetString() : null), body);
    }

    private async Task<Answer> SendLocalAsync(HttpMethod method, string pathAndQuery, (string Name, string Value)[] headers, string body, string? contentType)
    {
        using var message = new HttpRequestMessage(method, pathAndQuery) { Content = new ByteArrayContent(Encoding.UTF8.GetBytes(body)) };
        if (contentType is not null)
        {
            message.Content.Headers.ContentType = MediaTypeHeaderValue.Parse(contentType);
        }

        foreach (var (name, value) in headers)
        {
            Assert.True(message.Headers.TryAddWithoutValidation(name, value), name);
        }

        using var response = await _local.Client.SendAsync(message);
        return new Answer((int)response.StatusCode, response.Content.Headers.ContentType?.MediaType, await response.Content.ReadAsStringAsync());
    }

    private static string? MediaType(string? contentType) => contentType is null ? null : MediaTypeHeaderValue.Parse(contentType).MediaType;

    private sealed record Answer(int Status, string? MediaType, string Body)
    {
        public JsonElement Json { get; } = JsonDocument.Parse(Body).RootElement;
    }
}
