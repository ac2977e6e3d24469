using System.Net;
using System.Text;
using System.Text.Json;
using Portable.Azure.Layout;
using Portable.Core.App;
using Portable.Core.Patterns;
using Portable.Emulators.Azure;

namespace Portable.Azure.Tests.EndToEnd;

/// <summary>
/// The real Portable.Azure process, started by the Functions host emulator from a generated script root, in
/// forwarding mode (host.json's setting) and in payload mode (forwarding switched off).
/// </summary>
public sealed class CustomHandlerUnderHostEmulatorTests : IDisposable
{
    private readonly string _scriptRoot = Directory.CreateTempSubdirectory("portable-azure-e2e-").FullName;

    public CustomHandlerUnderHostEmulatorTests() => FunctionsLayout.WriteTo(_scriptRoot, PatternsApp.Manifest);

    public void Dispose() => Directory.Delete(_scriptRoot, recursive: true);

    private Task<FunctionsHostEmulator> StartAsync(bool forward, IReadOnlyList<string>? arguments = null) =>
        FunctionsHostEmulator.StartAsync(new FunctionsHostEmulatorOptions
        {
            ScriptRoot = _scriptRoot,
            // The test output holds Portable.Azure.dll and its runtimeconfig; run it as `dotnet Portable.Azure.dll`.
            ExecutablePath = "dotnet",
            Arguments = arguments ?? [Path.Combine(AppContext.BaseDirectory, "Portable.Azure.dll")],
            ForwardHttpRequests = forward,
        });

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task ItemsApi_ThroughTheHost_CreateReadNotFoundAndWrongMethod(bool forward)
    {
        await using var host = await StartAsync(forward);
        using var client = host.CreateClient();
        Assert.Equal(forward, host.ForwardsHttpRequests);

        using var created = await client.PostAsync("/items", new StringContent("""{"name":"kettle","price":20}""", Encoding.UTF8, "application/json"));
        Assert.True(created.StatusCode == HttpStatusCode.Created, $"{created.StatusCode}: {await created.Content.ReadAsStringAsync()}\n{host.HandlerOutput}");
        var location = created.Headers.Location!;
        Assert.StartsWith("/items/", location.OriginalString, StringComparison.Ordinal);
        Assert.Equal("application/json; charset=utf-8", created.Content.Headers.ContentType!.ToString());

        using var read = await client.GetAsync(location);
        Assert.Equal(HttpStatusCode.OK, read.StatusCode);
        using (var item = JsonDocument.Parse(await read.Content.ReadAsStringAsync()))
        {
            Assert.Equal("kettle", item.RootElement.GetProperty("name").GetString());
        }

        using var unknown = await client.GetAsync("/no/such/path");
        Assert.Equal(HttpStatusCode.NotFound, unknown.StatusCode);
        using (var error = JsonDocument.Parse(await unknown.Content.ReadAsStringAsync()))
        {
            Assert.Contains("/no/such/path", error.RootElement.GetProperty("error").GetString(), StringComparison.Ordinal);
        }

        using var wrongMethod = await client.PatchAsync("/items", new StringContent("{}", Encoding.UTF8, "application/json"));
        Assert.Equal(HttpStatusCode.MethodNotAllowed, wrongMethod.StatusCode);
        Assert.Equal(["GET", "POST"], wrongMethod.Content.Headers.Allow.Order(StringComparer.Ordinal));
        Assert.Contains("\"error\"", await wrongMethod.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task InvokeAsync_HttpPayloadDirectly_ReturnsOutputsRes()
    {
        await using var host = await StartAsync(forward: true);
        var data = JsonNodeParse("""{"req":{"Url":"http://localhost/items","Method":"GET","Query":{},"Headers":{}}}""");

        var result = await host.InvokeAsync("items-api", data, new System.Text.Json.Nodes.JsonObject());

        Assert.True(result.IsSuccess);
        Assert.Equal(200, CustomHandlerPayload.ReadHttpOutput(result, "res").StatusCode);
    }

    [Fact]
    public async Task StartAsync_HandlerExitsAtOnce_ThrowsWithItsOutput()
    {
        var ex = await Assert.ThrowsAsync<FunctionsHostStartException>(() =>
            StartAsync(forward: true, [Path.Combine(AppContext.BaseDirectory, "Portable.Azure.dll"), "--bogus"]));

        Assert.Contains("Unknown arguments", ex.HandlerOutput, StringComparison.Ordinal);
        Assert.Contains("exited with code 2", ex.Message, StringComparison.Ordinal);
    }

    private static System.Text.Json.Nodes.JsonObject JsonNodeParse(string json) =>
        (System.Text.Json.Nodes.JsonObject)System.Text.Json.Nodes.JsonNode.Parse(json)!;
}
