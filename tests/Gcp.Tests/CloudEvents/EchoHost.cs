using System.Globalization;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;
using Portable.Emulators.Processes;
using Portable.Compare.Hosts;
using Portable.TestKit;

namespace Portable.Gcp.Tests.CloudEvents;

/// <summary>
/// tests/CloudEventConformanceApp run as the conformance client runs it: its own process, from its build output, in a
/// fresh working directory, with <c>FUNCTION_TARGET=cloudevent-echo</c> and <c>FUNCTION_SIGNATURE_TYPE=cloudevent</c>.
/// Each send deletes <c>function_output.json</c> first and reads it back after the response, as the client does.
/// </summary>
public sealed class EchoHost : IAsyncLifetime
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(60);

    private ChildProcess? _process;
    private HttpClient? _client;

    public string WorkingDirectory { get; } = Directory.CreateTempSubdirectory("portable-cloudevent-echo-").FullName;

    public ChildProcess Process => _process ?? throw new InvalidOperationException("Not started.");

    private string OutputPath => Path.Combine(WorkingDirectory, "function_output.json");

    public async Task InitializeAsync()
    {
        var port = Portable.TestKit.FreePort.Next();
        var environment = CloudRunProcess.ClearedVariables.ToDictionary(name => name, string? (_) => null);
        environment["PORT"] = port.ToString(CultureInfo.InvariantCulture);
        environment["FUNCTION_TARGET"] = "cloudevent-echo";
        environment["FUNCTION_SIGNATURE_TYPE"] = "cloudevent";
        var program = RepoPaths.BuildOutput("tests/CloudEventConformanceApp", "Portable.CloudEventConformanceApp.dll");
        _process = ChildProcess.Start(ChildProcessOptions.Program(program) with { Environment = environment, WorkingDirectory = WorkingDirectory, Name = "cloudevent-echo" });
        await _process.WaitForPortsAsync([port], Patience);
        _client = new HttpClient(new SocketsHttpHandler { UseProxy = false }) { BaseAddress = new Uri($"http://127.0.0.1:{port}"), Timeout = Patience };
    }

    /// <summary>Sends <paramref name="request"/>; returns the status, the response body and the echoed event (null when no file was written).</summary>
    public async Task<(int Status, string Body, JsonObject? Echo)> SendAsync(HttpRequestMessage request)
    {
        File.Delete(OutputPath);
        using var response = await _client!.SendAsync(request);
        var body = await response.Content.ReadAsStringAsync();
        var echo = File.Exists(OutputPath) ? JsonNode.Parse(await File.ReadAllTextAsync(OutputPath))!.AsObject() : null;
        return ((int)response.StatusCode, body, echo);
    }

    /// <summary>A structured-mode request: the event JSON as the body.</summary>
    public static HttpRequestMessage Structured(string json, string path = "/") => new(HttpMethod.Post, path)
    {
        Content = new StringContent(json, Encoding.UTF8, new MediaTypeHeaderValue("application/cloudevents+json")),
    };

    /// <summary>
    /// A binary-mode request made from a structured event, as the CloudEvents SDKs' HTTP binding writes one: every
    /// attribute but <c>datacontenttype</c> as a <c>ce-</c> header, <c>Content-Type</c> = datacontenttype, body = data.
    /// </summary>
    public static HttpRequestMessage Binary(JsonObject cloudEvent, string path = "/")
    {
        var request = new HttpRequestMessage(HttpMethod.Post, path);
        foreach (var (name, value) in cloudEvent)
        {
            if (name is "data" or "data_base64" or "datacontenttype" || value is null)
            {
                continue;
            }

            request.Headers.TryAddWithoutValidation("ce-" + name, value.GetValue<string>());
        }

        var data = cloudEvent["data"]?.ToJsonString() ?? string.Empty;
        request.Content = new ByteArrayContent(Encoding.UTF8.GetBytes(data));
        if (cloudEvent["datacontenttype"]?.GetValue<string>() is { } contentType)
        {
            request.Content.Headers.TryAddWithoutValidation("Content-Type", contentType);
        }

        return request;
    }

    /// <summary>A legacy event: a plain <c>application/json</c> POST, as the conformance client sends <c>*-legacy-input.json</c>.</summary>
    public static HttpRequestMessage Legacy(string json, string path = "/") => new(HttpMethod.Post, path)
    {
        Content = new StringContent(json, Encoding.UTF8, new MediaTypeHeaderValue("application/json")),
    };

    public async Task DisposeAsync()
    {
        _client?.Dispose();
        if (_process is not null)
        {
            await _process.DisposeAsync();
        }

        Directory.Delete(WorkingDirectory, recursive: true);
    }
}
