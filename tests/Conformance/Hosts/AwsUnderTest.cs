using Portable.Emulators.Aws;
using Portable.Emulators.Processes;
using Portable.TestKit;

namespace Portable.Conformance.Hosts;

/// <summary>
/// The Lambda custom runtime as AWS runs it: the real bootstrap (from src/Aws's own build output) as a child process
/// polling the Runtime API emulator, behind the API Gateway emulator in one event format. The client calls the
/// gateway's HTTP front door, as an API's users do.
/// </summary>
internal sealed class AwsUnderTest : IHostUnderTest
{
    private readonly LambdaRuntimeApiEmulator _lambda;
    private readonly ChildProcess _function;
    private readonly ApiGatewayEmulator _gateway;

    private AwsUnderTest(LambdaRuntimeApiEmulator lambda, ChildProcess function, ApiGatewayEmulator gateway)
    {
        _lambda = lambda;
        _function = function;
        _gateway = gateway;

        // A REST API serves only under its stage (/prod/items); the scenario's absolute paths are the API's own
        // paths, so the client puts the stage in front of them, as a caller of the invoke URL does.
        Client = new HttpClient(new StagePrefixHandler(gateway.BaseAddress)) { BaseAddress = gateway.RootAddress, Timeout = HostsUnderTest.RequestTimeout };
    }

    public HttpClient Client { get; }

    /// <summary>Starts the Runtime API, the bootstrap and a gateway in <paramref name="format"/>; fails with the bootstrap's output.</summary>
    public static async Task<IHostUnderTest> StartAsync(ApiGatewayEventFormat format)
    {
        var lambda = await LambdaRuntimeApiEmulator.StartAsync(new LambdaRuntimeApiEmulatorOptions { FunctionName = "items-api" });
        ChildProcess? function = null;
        try
        {
            function = LambdaFunctionProcess.Start(new LambdaFunctionProcessOptions
            {
                BootstrapPath = RepoPaths.BuildOutput("src/Aws", "bootstrap.dll"),
                RuntimeApi = lambda.RuntimeApi,
                Handler = "items-api",
            });
            await function.WaitUntilPollingAsync(lambda, HostsUnderTest.StartupTimeout);

            // REST APIs always live under a stage; HTTP APIs are usually served from $default at the root.
            var gateway = await ApiGatewayEmulator.StartAsync(lambda, new ApiGatewayEmulatorOptions
            {
                Format = format,
                Stage = format == ApiGatewayEventFormat.RestV1 ? "prod" : null,
            });
            return new AwsUnderTest(lambda, function, gateway);
        }
        catch
        {
            if (function is not null)
            {
                await function.DisposeAsync();
            }

            await lambda.DisposeAsync();
            throw;
        }
    }

    public async ValueTask DisposeAsync()
    {
        Client.Dispose();
        await _gateway.DisposeAsync();
        await _function.DisposeAsync(); // kills the process tree
        await _lambda.DisposeAsync();
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
