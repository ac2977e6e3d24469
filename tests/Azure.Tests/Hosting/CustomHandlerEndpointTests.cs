using System.Net;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Portable.Azure.Hosting;
using Portable.TestKit;
using Portable.Core.Patterns;

namespace Portable.Azure.Tests.Hosting;

/// <summary>The handler in process, spoken to as the Functions host speaks to it.</summary>
public sealed class CustomHandlerEndpointTests : IAsyncLifetime
{
    private WebApplication _app = null!;
    private HttpClient _client = null!;

    public async Task InitializeAsync()
    {
        _app = await CustomHandlerHost.BuildAsync(PatternsApp.App, new CustomHandlerOptions { Port = 0, RoutePrefix = string.Empty }, logging: _ => { });
        await _app.StartAsync();
        _client = new HttpClient { BaseAddress = _app.BaseAddress() };
    }

    public async Task DisposeAsync()
    {
        _client.Dispose();
        await _app.DisposeAsync();
    }

    private static StringContent Json(string json) => new(json, Encoding.UTF8, "application/json");

    private static string Invocation(string method, string url, string? body = null, string contentType = "application/json")
    {
        var req = new Dictionary<string, object?>
        {
            ["Url"] = url,
            ["Method"] = method,
            ["Query"] = "{}",
            ["Headers"] = new Dictionary<string, string[]> { ["Content-Type"] = [contentType] },
            ["Params"] = new Dictionary<string, string>(),
        };
        if (body is not null)
        {
            req["Body"] = body;
        }

        return JsonSerializer.Serialize(new Dictionary<string, object> { ["Data"] = new Dictionary<string, object> { ["req"] = req }, ["Metadata"] = new Dictionary<string, object>() });
    }

    private async Task<JsonElement> PostInvocationAsync(string function, string invocation)
    {
        using var message = new HttpRequestMessage(HttpMethod.Post, "/" + function) { Content = Json(invocation) };
        message.Headers.Add(CustomHandlerEndpoint.InvocationIdHeader, "inv-1");
        using var response = await _client.SendAsync(message);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        using var document = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        return document.RootElement.GetProperty("Outputs").GetProperty("res").Clone();
    }

    [Fact]
    public async Task Forwarded_PostThenGet_CreatesAndReadsItem()
    {
        using var created = await _client.PostAsync("/items", Json("""{"name":"lamp","price":12.5}"""));
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);

        using var read = await _client.GetAsync(created.Headers.Location);

        Assert.Equal(HttpStatusCode.OK, read.StatusCode);
        Assert.Contains("\"lamp\"", await read.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Forwarded_WrongMethod_Json405WithAllow()
    {
        using var response = await _client.PatchAsync("/items", Json("{}"));

        Assert.Equal(HttpStatusCode.MethodNotAllowed, response.StatusCode);
        Assert.Equal(["GET", "POST"], response.Content.Headers.Allow.Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task Forwarded_ReadinessProbeOnRoot_AnswersWithJson404()
    {
        using var response = await _client.GetAsync("/");

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Contains("\"error\"", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Forwarded_PostToFunctionNameWithoutDataEnvelope_RoutedAsPublicPath()
    {
        using var response = await _client.PostAsync("/items-api", Json("""{"name":"x","price":1}"""));

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Contains("/items-api", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Payload_PostItem_OutputsResWithStatusCodeString201()
    {
        var res = await PostInvocationAsync("items-api", Invocation("POST", "http://localhost:7071/items", """{"name":"desk","price":99}"""));

        Assert.Equal("201", res.GetProperty("statusCode").GetString());
        Assert.StartsWith("/items/", res.GetProperty("headers").GetProperty("Location").GetString(), StringComparison.Ordinal);
        Assert.Contains("\"desk\"", res.GetProperty("body").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Payload_PostThenGetThroughPayloads_ReadsTheItem()
    {
        var created = await PostInvocationAsync("items-api", Invocation("POST", "http://h/items", """{"name":"chair","price":3}"""));
        var location = created.GetProperty("headers").GetProperty("Location").GetString();

        var read = await PostInvocationAsync("items-api", Invocation("GET", "http://h" + location));

        Assert.Equal("200", read.GetProperty("statusCode").GetString());
        Assert.Contains("\"chair\"", read.GetProperty("body").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Payload_RealSampleOnFallback_RoutesByUrlToJson404()
    {
        // The sample's Url is /api/order: no such route in the manifest, so Core's JSON 404 travels in Outputs.res.
        var res = await PostInvocationAsync("fallback", RepoPaths.ReadSample("azure-customhandler-http-request-nonforwarded.json"));

        Assert.Equal("404", res.GetProperty("statusCode").GetString());
        Assert.Contains("/api/order", res.GetProperty("body").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Payload_WrongMethod_Outputs405WithAllow()
    {
        var res = await PostInvocationAsync("items-api", Invocation("PATCH", "http://h/items/abc", "{}"));

        Assert.Equal("405", res.GetProperty("statusCode").GetString());
        Assert.Equal("DELETE, GET, PUT", res.GetProperty("headers").GetProperty("Allow").GetString());
    }

    [Fact]
    public async Task Payload_DataWithoutHttpRequest_Answers400SoTheHostFailsTheInvocation()
    {
        using var response = await _client.PostAsync("/items-api", Json("""{"Data":{"myQueueItem":"x"},"Metadata":{}}"""));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("req", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }
}

/// <summary>The same handler when an app keeps the host's default <c>api</c> route prefix.</summary>
public sealed class CustomHandlerEndpointWithApiPrefixTests : IAsyncLifetime
{
    private WebApplication _app = null!;
    private HttpClient _client = null!;

    public async Task InitializeAsync()
    {
        _app = await CustomHandlerHost.BuildAsync(PatternsApp.App, new CustomHandlerOptions { Port = 0, RoutePrefix = "api" }, logging: _ => { });
        await _app.StartAsync();
        _client = new HttpClient { BaseAddress = _app.BaseAddress() };
    }

    public async Task DisposeAsync()
    {
        _client.Dispose();
        await _app.DisposeAsync();
    }

    [Fact]
    public async Task Forwarded_PrefixedPath_StripsPrefixBeforeRouting()
    {
        using var created = await _client.PostAsync("/api/items", new StringContent("""{"name":"a","price":1}""", Encoding.UTF8, "application/json"));

        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
    }

    [Fact]
    public async Task Payload_PrefixedUrl_StripsPrefixBeforeRouting()
    {
        const string invocation = """{"Data":{"req":{"Url":"http://h/api/items","Method":"GET","Query":{},"Headers":{}}},"Metadata":{}}""";

        using var response = await _client.PostAsync("/items-api", new StringContent(invocation, Encoding.UTF8, "application/json"));
        using var document = JsonDocument.Parse(await response.Content.ReadAsStringAsync());

        Assert.Equal("200", document.RootElement.GetProperty("Outputs").GetProperty("res").GetProperty("statusCode").GetString());
    }
}
