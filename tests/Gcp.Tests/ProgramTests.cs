using System.Net;
using System.Net.Http.Json;
using System.Net.Sockets;
using System.Text;
using System.Text.Json;
using Portable.Core.Patterns;

namespace Portable.Gcp.Tests;

/// <summary>The real Portable.Gcp as a child process, configured only through its environment as Cloud Run does.</summary>
public sealed class ProgramTests
{
    [Fact]
    public async Task Main_PostThenGetItem_Returns201ThenTheItem()
    {
        await using var host = await GcpHostProcess.StartReadyAsync();
        using var client = host.CreateClient();

        var created = await client.PostAsJsonAsync("/items", new { name = "Widget", price = 9.99 });
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var location = created.Headers.Location;
        Assert.NotNull(location);

        var fetched = await client.GetAsync(location);
        Assert.Equal(HttpStatusCode.OK, fetched.StatusCode);
        using var item = JsonDocument.Parse(await fetched.Content.ReadAsStringAsync());
        Assert.Equal("Widget", item.RootElement.GetProperty("name").GetString());
        Assert.Equal(9.99m, item.RootElement.GetProperty("price").GetDecimal());
    }

    [Fact]
    public async Task Main_Started_LogsOneCloudLoggingJsonLinePerEntry()
    {
        await using var host = await GcpHostProcess.StartReadyAsync();

        var line = await host.WaitForOutputAsync("Listening on 0.0.0.0:");

        using var entry = JsonDocument.Parse(line);
        Assert.Equal("INFO", entry.RootElement.GetProperty("severity").GetString());
        Assert.Equal($"Listening on 0.0.0.0:{host.Port}, serving every function", entry.RootElement.GetProperty("message").GetString());
    }

    [Theory]
    [InlineData("/favicon.ico")]
    [InlineData("/robots.txt")]
    public async Task Main_ReservedFunctionsFrameworkPath_Returns404(string path)
    {
        await using var host = await GcpHostProcess.StartReadyAsync(("FUNCTION_TARGET", "items-api"));
        using var client = host.CreateClient();

        var response = await client.GetAsync(path);

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
    }

    [Fact]
    public async Task Main_TraceHeaders_AreAcceptedWellFormedOrNot()
    {
        await using var host = await GcpHostProcess.StartReadyAsync(("GOOGLE_CLOUD_PROJECT", "demo-project"));
        using var client = host.CreateClient();

        using var traced = new HttpRequestMessage(HttpMethod.Post, "/items") { Content = JsonContent.Create(new { name = "Traced", price = 1 }) };
        traced.Headers.Add("traceparent", "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01");
        traced.Headers.Add("X-Cloud-Trace-Context", "0af7651916cd43dd8448eb211c80319c/13235251171208913713;o=1");
        traced.Headers.Add("Function-Execution-Id", "exec-123");
        using var malformed = new HttpRequestMessage(HttpMethod.Post, "/items") { Content = JsonContent.Create(new { name = "Odd", price = 1 }) };
        malformed.Headers.TryAddWithoutValidation("traceparent", "not-a-trace");
        malformed.Headers.TryAddWithoutValidation("X-Cloud-Trace-Context", "///");

        Assert.Equal(HttpStatusCode.Created, (await client.SendAsync(traced)).StatusCode);
        Assert.Equal(HttpStatusCode.Created, (await client.SendAsync(malformed)).StatusCode);
    }

    [Fact]
    public async Task Main_FunctionTargetItemsApi_ServesThatFunction()
    {
        await using var host = await GcpHostProcess.StartReadyAsync(("FUNCTION_TARGET", "items-api"));
        using var client = host.CreateClient();

        var created = await client.PostAsJsonAsync("/items", new { name = "Targeted", price = 3 });
        var listed = await client.GetAsync("/items");

        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        Assert.Equal(HttpStatusCode.OK, listed.StatusCode);
        Assert.Contains("serving items-api", await host.WaitForOutputAsync("Listening on"), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Main_UnknownFunctionTarget_FailsStartupWithClearMessage()
    {
        await using var host = GcpHostProcess.Start(("FUNCTION_TARGET", "nope"));

        var exitCode = await host.WaitForExitAsync();

        Assert.Equal(2, exitCode);
        Assert.Contains($"FUNCTION_TARGET='nope' is not valid: expected the name of a function in the manifest, one of: {string.Join(", ", Portable.Core.Patterns.PatternsApp.Manifest.Functions.Select(f => f.Name))}.", host.StandardError, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("abc")]
    [InlineData("0")]
    [InlineData("70000")]
    [InlineData("-1")]
    public async Task Main_InvalidPort_FailsStartupWithClearMessage(string port)
    {
        await using var host = GcpHostProcess.Start(("PORT", port));

        var exitCode = await host.WaitForExitAsync();

        Assert.Equal(2, exitCode);
        Assert.Contains($"PORT='{port}' is not valid: expected a whole number from 1 to 65535.", host.StandardError, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("GOOGLE_CLOUD_PROJECT", "projects/demo", "GOOGLE_CLOUD_PROJECT='projects/demo' is not valid")]
    [InlineData("PUBSUB_EMULATOR_HOST", "http://localhost:8085", "PUBSUB_EMULATOR_HOST='http://localhost:8085' is not valid: expected host:port")]
    [InlineData("GCE_METADATA_HOST", "metadata/computeMetadata", "GCE_METADATA_HOST='metadata/computeMetadata' is not valid")]
    [InlineData("PORTABLE_POSTGRES_TABLE", "state", "PORTABLE_POSTGRES_TABLE is set but PORTABLE_POSTGRES_CONNECTION is not")]
    public async Task Main_InvalidGoogleSetting_FailsStartupWith2NamingIt(string variable, string value, string message)
    {
        await using var host = GcpHostProcess.Start((variable, value));

        var exitCode = await host.WaitForExitAsync();

        Assert.Equal(2, exitCode);
        Assert.Contains(message, host.StandardError, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Main_PortAlreadyInUse_FailsStartupWithClearMessage()
    {
        await using var first = await GcpHostProcess.StartReadyAsync();
        await using var second = GcpHostProcess.Start(("PORT", first.Port.ToString(System.Globalization.CultureInfo.InvariantCulture)));

        var exitCode = await second.WaitForExitAsync();

        Assert.NotEqual(0, exitCode);
        Assert.Contains($"Could not listen on 0.0.0.0:{first.Port}", second.StandardError, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Main_SigTermDuringRequestBody_DrainsRequestWith201ThenExits0()
    {
        await using var host = await GcpHostProcess.StartReadyAsync();
        using var socket = new TcpClient();
        await socket.ConnectAsync(IPAddress.Loopback, host.Port);
        var stream = socket.GetStream();
        var body = """{"name":"Drained","price":2.5}"""u8.ToArray();

        // Expect: 100-continue makes Kestrel answer "100 Continue" once the handler starts reading the body,
        // so the request is known to be in flight before SIGTERM, without sleeping.
        await WriteAsync(stream, Encoding.ASCII.GetBytes(
            $"POST /items HTTP/1.1\r\nHost: 127.0.0.1:{host.Port}\r\nContent-Type: application/json\r\n" +
            $"Content-Length: {body.Length}\r\nExpect: 100-continue\r\n\r\n"));
        Assert.StartsWith("HTTP/1.1 100", await ReadUntilAsync(stream, "\r\n\r\n"), StringComparison.Ordinal);
        await WriteAsync(stream, body.AsMemory(0, 10));

        host.Process.Terminate(); // SIGTERM, as Cloud Run sends on shutdown
        await host.WaitForOutputAsync("Shutting down (SIGTERM)");
        await WriteAsync(stream, body.AsMemory(10));
        var response = await ReadToEndAsync(stream);

        Assert.StartsWith("HTTP/1.1 201", response, StringComparison.Ordinal);
        Assert.Contains("\"name\":\"Drained\"", response, StringComparison.Ordinal);
        Assert.Equal(0, await host.WaitForExitAsync());
    }

    private static async Task WriteAsync(NetworkStream stream, ReadOnlyMemory<byte> bytes)
    {
        await stream.WriteAsync(bytes);
        await stream.FlushAsync();
    }

    private static async Task<string> ReadUntilAsync(NetworkStream stream, string marker)
    {
        using var patience = new CancellationTokenSource(GcpHostProcess.Patience);
        var text = new StringBuilder();
        var buffer = new byte[1];
        while (!text.ToString().EndsWith(marker, StringComparison.Ordinal))
        {
            if (await stream.ReadAsync(buffer, patience.Token) == 0)
            {
                Assert.Fail($"The connection closed before '{marker.ReplaceLineEndings("\\r\\n")}'. Read: {text}");
            }

            text.Append((char)buffer[0]);
        }

        return text.ToString();
    }

    private static async Task<string> ReadToEndAsync(NetworkStream stream)
    {
        using var patience = new CancellationTokenSource(GcpHostProcess.Patience);
        using var all = new MemoryStream();
        await stream.CopyToAsync(all, patience.Token);
        return Encoding.UTF8.GetString(all.ToArray());
    }
}
