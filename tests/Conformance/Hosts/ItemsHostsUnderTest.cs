using Portable.Emulators.Aws;
using Portable.Compare.Hosts;

namespace Portable.Conformance.Hosts;

/// <summary>A running host, reachable over HTTP the way its users reach it.</summary>
public interface IHostUnderTest : IAsyncDisposable
{
    /// <summary>A client whose base address is the host's front door.</summary>
    HttpClient Client { get; }
}

/// <summary>Starts each host of the Items API scenarios by name, each wired as tests/HostsUnderTest wires it.</summary>
public static class ItemsHostsUnderTest
{
    /// <summary>Every host the conformance scenarios run on, each driven through its platform's real protocol.</summary>
    public static readonly string[] Names =
    [
        "local",
        "gcp-cloud-run",
        "aws-http-api-v2",
        "aws-rest-v1",
        "aws-function-url",
        "azure-isolated",
    ];

    /// <summary>Starts the host named <paramref name="name"/> with empty state; fails with the host's output.</summary>
    public static async Task<IHostUnderTest> StartAsync(string name) => name switch
    {
        "local" => Started(await LocalHostProcess.StartAsync(), h => h.CreateClient(HostDefaults.RequestTimeout)),
        // The Cloud Run host as its container runs it: the real executable with PORT set.
        "gcp-cloud-run" => Started(await CloudRunProcess.StartAsync(), h => h.CreateClient(HostDefaults.RequestTimeout)),
        "aws-http-api-v2" => await StartAwsAsync(ApiGatewayEventFormat.HttpApiV2),
        "aws-rest-v1" => await StartAwsAsync(ApiGatewayEventFormat.RestV1),
        "aws-function-url" => await StartAwsAsync(ApiGatewayEventFormat.FunctionUrl),
        "azure-isolated" => await StartAzureAsync(),
        _ => throw new ArgumentOutOfRangeException(nameof(name), name, "No such host."),
    };

    private static StartedHost Started<T>(T host, Func<T, HttpClient> client)
        where T : IAsyncDisposable => new StartedHost(client(host), host);

    /// <summary>
    /// The bootstrap behind the API Gateway emulator in <paramref name="format"/>. REST APIs always live under a stage;
    /// HTTP APIs are usually served from <c>$default</c> at the root.
    /// </summary>
    private static async Task<StartedHost> StartAwsAsync(ApiGatewayEventFormat format)
    {
        var host = await LambdaHttpHost.StartAsync("items-api", format, stage: format == ApiGatewayEventFormat.RestV1 ? "prod" : null);

        // A REST API serves only under its stage (/prod/items); the scenario's absolute paths are the API's own
        // paths, so the client puts the stage in front of them, as a caller of the invoke URL does.
        return Started(host, h => new HttpClient(new StagePrefixHandler(h.Gateway.BaseAddress)) { BaseAddress = h.Gateway.RootAddress, Timeout = HostDefaults.RequestTimeout });
    }

    /// <summary>
    /// The isolated worker under the Functions host emulator. The emulator answers a method no route takes with the
    /// host's 404; here the catch-all <c>fallback</c> function takes every method, so such a request reaches Core's
    /// router and gets its 405, as on every other host.
    /// </summary>
    private static async Task<StartedHost> StartAzureAsync()
    {
        var host = await AzureFunctionsApp.StartAsync();
        return Started(host, h =>
        {
            var client = h.CreateClient();
            client.Timeout = HostDefaults.RequestTimeout;
            return client;
        });
    }

    /// <summary>A started host and the client on its front door; disposing stops both (child processes killed).</summary>
    private sealed class StartedHost(HttpClient client, IAsyncDisposable host) : IHostUnderTest
    {
        public HttpClient Client { get; } = client;

        public async ValueTask DisposeAsync()
        {
            Client.Dispose();
            await host.DisposeAsync();
        }
    }

    /// <summary>Rewrites <c>http://host/items</c> to <c>http://host/{stage}/items</c> (a no-op on the <c>$default</c> stage).</summary>
    private sealed class StagePrefixHandler(Uri stageBase) : DelegatingHandler(new SocketsHttpHandler { AllowAutoRedirect = false, UseCookies = false })
    {
        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            var prefix = stageBase.AbsolutePath.TrimEnd('/');
            if (prefix.Length > 0 && request.RequestUri is { } uri)
            {
                request.RequestUri = new Uri(uri, prefix + uri.PathAndQuery);
            }

            return base.SendAsync(request, cancellationToken);
        }
    }
}
