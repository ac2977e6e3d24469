using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace Portable.Benchmarks;

/// <summary>
/// Starts a published Cloud Run host as Cloud Run does (<c>PORT</c> set, nothing else) and asks it over loopback.
/// A cold start polls <c>GET /items?limit=1</c> every millisecond from process start until the first 200.
/// Warm load keeps <see cref="BenchmarkOptions.Concurrency"/> requests in flight over as many keep-alive connections.
/// </summary>
internal sealed class CloudRunBench(string repoRoot, BenchmarkOptions options) : IHostBench, IDisposable
{
    private const string ListPath = "/items?limit=1";
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(60);

    private readonly HttpClient _probe = new(new SocketsHttpHandler { UseProxy = false, ConnectTimeout = TimeSpan.FromSeconds(2) })
    {
        Timeout = Patience,
    };

    public async Task<ColdStart> ColdStartAsync(Variant variant, CancellationToken cancellationToken)
    {
        var port = FreePort();
        var url = new Uri($"http://127.0.0.1:{port}{ListPath}");
        var clock = Stopwatch.StartNew();
        await using var host = Start(variant, port);
        while (true)
        {
            if (host.HasExited || clock.Elapsed > Patience)
            {
                throw new InvalidOperationException($"{variant.Name} never answered (exited: {host.HasExited}). Output:\n{host.Tail}");
            }

            try
            {
                using var response = await _probe.GetAsync(url, cancellationToken);
                var body = await response.Content.ReadAsStringAsync(cancellationToken);
                var elapsed = clock.Elapsed;
                return response.StatusCode == HttpStatusCode.OK
                    ? await ColdStart.ReadAsync(elapsed, host.ProcessId, cancellationToken)
                    : throw new InvalidOperationException($"{variant.Name}: GET {ListPath} answered {(int)response.StatusCode}: {body}");
            }
            catch (HttpRequestException)
            {
                await Task.Delay(1, cancellationToken); // not listening yet
            }
        }
    }

    public async Task<WarmRun> WarmAsync(Variant variant, CancellationToken cancellationToken)
    {
        var port = FreePort();
        await using var host = Start(variant, port);
        using var http = new HttpClient(new SocketsHttpHandler { UseProxy = false, MaxConnectionsPerServer = options.Concurrency })
        {
            BaseAddress = new Uri($"http://127.0.0.1:{port}"),
            Timeout = Patience,
        };
        await WaitUntilAnsweringAsync(http, host, variant, cancellationToken);
        using (var created = await http.PostAsync(new Uri("/items", UriKind.Relative), new StringContent("""{"name":"widget","price":9.5}""", Encoding.UTF8, "application/json"), cancellationToken))
        {
            if (!created.IsSuccessStatusCode)
            {
                throw new InvalidOperationException($"{variant.Name}: POST /items answered {(int)created.StatusCode}: {await created.Content.ReadAsStringAsync(cancellationToken)}");
            }
        }

        var list = new Uri(ListPath, UriKind.Relative);
        async Task<string?> ListAsync()
        {
            try
            {
                using var response = await http.GetAsync(list, CancellationToken.None);
                var body = await response.Content.ReadAsByteArrayAsync(CancellationToken.None);
                return response.StatusCode == HttpStatusCode.OK ? null : $"{(int)response.StatusCode}: {Encoding.UTF8.GetString(body)}";
            }
            catch (HttpRequestException ex)
            {
                return ex.Message;
            }
        }

        if (options.WarmUp > TimeSpan.Zero)
        {
            await LoadLoop.RunAsync(ListAsync, options.Concurrency, options.WarmUp);
        }

        var cpuBefore = await ProcessCpu.ProcessTimeAsync(host.ProcessId, cancellationToken);
        var load = await LoadLoop.RunAsync(ListAsync, options.Concurrency, options.Duration);
        var cpu = await ProcessCpu.ProcessTimeAsync(host.ProcessId, cancellationToken) - cpuBefore;
        var peak = await ProcessMemory.PeakRssMbAsync(host.ProcessId, cancellationToken);
        return new WarmRun(load, peak, host.LineCount, cpu);
    }

    public void Dispose() => _probe.Dispose();

    private HostProcess Start(Variant variant, int port)
    {
        var environment = new Dictionary<string, string?>(StringComparer.Ordinal)
        {
            ["PORT"] = port.ToString(CultureInfo.InvariantCulture),
            ["FUNCTION_TARGET"] = null,
            ["GOOGLE_CLOUD_PROJECT"] = null,
            ["ASPNETCORE_URLS"] = null,
            ["ASPNETCORE_HTTP_PORTS"] = null,
            ["ASPNETCORE_HTTPS_PORTS"] = null,
            ["ASPNETCORE_ENVIRONMENT"] = null,
            ["DOTNET_ENVIRONMENT"] = null,
        };
        foreach (var (name, value) in options.Environment)
        {
            environment[name] = value;
        }

        return HostProcess.Start(variant.Executable(repoRoot), environment);
    }

    private static async Task WaitUntilAnsweringAsync(HttpClient http, HostProcess host, Variant variant, CancellationToken cancellationToken)
    {
        var clock = Stopwatch.StartNew();
        while (true)
        {
            if (host.HasExited || clock.Elapsed > Patience)
            {
                throw new InvalidOperationException($"{variant.Name} never answered (exited: {host.HasExited}). Output:\n{host.Tail}");
            }

            try
            {
                using var response = await http.GetAsync(new Uri(ListPath, UriKind.Relative), cancellationToken);
                if (response.StatusCode == HttpStatusCode.OK)
                {
                    return;
                }

                throw new InvalidOperationException($"{variant.Name}: GET {ListPath} answered {(int)response.StatusCode}.");
            }
            catch (HttpRequestException)
            {
                await Task.Delay(5, cancellationToken);
            }
        }
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
