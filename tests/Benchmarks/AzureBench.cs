using System.Diagnostics;
using System.Net;
using System.Text;
using Portable.Emulators.Azure.Isolated;

namespace Portable.Benchmarks;

/// <summary>
/// Runs a published isolated worker app as the Functions host does, behind the project's isolated host emulator
/// (src/Emulators/Azure/Isolated, in this process): <c>dotnet &lt;app&gt;.dll --functions-uri …</c> in the app folder,
/// the gRPC handshake, worker indexing and a <c>FunctionLoadRequest</c> per function, then HTTP through the emulator's
/// front door. The emulator starts its gRPC server and front door before the worker, so a cold start, measured from
/// its <see cref="IsolatedFunctionsHost.WorkerStartedTimestamp"/> (just before the worker's process start) to the first
/// 2xx to <c>GET /items?limit=1</c>, holds none of its own Kestrel start-up.
/// </summary>
internal sealed class AzureBench(string repoRoot, BenchmarkOptions options) : IHostBench, IDisposable
{
    private const string ListPath = "/items?limit=1";
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(60);

    private readonly HttpClient _probe = new(new SocketsHttpHandler { UseProxy = false, ConnectTimeout = TimeSpan.FromSeconds(2) })
    {
        Timeout = Patience,
    };

    public async Task<ColdStart> ColdStartAsync(Variant variant, CancellationToken cancellationToken)
    {
        await using var host = await StartAsync(variant, cancellationToken);
        var processId = host.WorkerProcess!.Id;

        // Init: launch → every FunctionLoadResponse in (the emulator's timestamps). Its CPU is read here, just after,
        // before the first request is sent: reading /proc adds well under a millisecond to the wall figure.
        var init = Stopwatch.GetElapsedTime(host.WorkerStartedTimestamp, host.FunctionsLoadedTimestamp);
        var initCpu = await ProcessCpu.ThreadsOnCpuAsync(processId, cancellationToken);
        using (var response = await _probe.GetAsync(new Uri(host.BaseAddress, ListPath), cancellationToken))
        {
            var body = await response.Content.ReadAsStringAsync(cancellationToken);
            if (!response.IsSuccessStatusCode)
            {
                throw new InvalidOperationException($"{variant.Name}: the first GET {ListPath} answered {(int)response.StatusCode}: {body}");
            }
        }

        var elapsed = Stopwatch.GetElapsedTime(host.WorkerStartedTimestamp);
        return await ColdStart.ReadAsync(elapsed, processId, cancellationToken) with { Init = (init, initCpu) };
    }

    public async Task<IWarmSession> StartWarmAsync(Variant variant, CancellationToken cancellationToken)
    {
        var host = await StartAsync(variant, cancellationToken);
        var http = new HttpClient(new SocketsHttpHandler { UseProxy = false, MaxConnectionsPerServer = options.Concurrency })
        {
            BaseAddress = host.BaseAddress,
            Timeout = Patience,
        };
        try
        {
            using (var created = await http.PostAsync(new Uri("/items", UriKind.Relative), new StringContent("""{"name":"widget","price":9.5}""", Encoding.UTF8, "application/json"), cancellationToken))
            {
                if (!created.IsSuccessStatusCode)
                {
                    throw new InvalidOperationException($"{variant.Name}: POST /items answered {(int)created.StatusCode}: {await created.Content.ReadAsStringAsync(cancellationToken)}");
                }
            }

            return new HttpWarmSession(host, http, options.Concurrency, host.WorkerProcess!.Id, () => host.Logs.Count); // its logs reach the host as RpcLog
        }
        catch
        {
            http.Dispose();
            await host.DisposeAsync();
            throw;
        }
    }

    public void Dispose() => _probe.Dispose();

    // As the host runs an app (its app settings: none but the benchmark's --env; no AzureWebJobsStorage, so Portable
    // keeps its state in memory).
    private Task<IsolatedFunctionsHost> StartAsync(Variant variant, CancellationToken cancellationToken) =>
        IsolatedFunctionsHost.StartAsync(
            new IsolatedFunctionsHostOptions
            {
                AppDirectory = variant.PublishFolder(repoRoot),
                Environment = options.Environment,
                StartupTimeout = Patience,
            },
            cancellationToken);
}
