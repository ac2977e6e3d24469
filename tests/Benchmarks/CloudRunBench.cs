using System.Diagnostics;
using System.Net;
using System.Text;
using Portable.Compare.Hosts;

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
        var port = Portable.TestKit.FreePort.Next();
        var url = new Uri($"http://127.0.0.1:{port}{ListPath}");
        var clock = Stopwatch.StartNew();
        await using var host = Start(variant, port);
        var elapsed = TimeSpan.Zero;
        await host.Process.WaitUntilAsync($"answering GET {ListPath}", async token =>
        {
            await FirstAnswerAsync(_probe, url, TimeSpan.FromMilliseconds(1), token);
            elapsed = clock.Elapsed;
        }, Patience, cancellationToken);
        return await ColdStart.ReadAsync(elapsed, host.Process.Id, cancellationToken);
    }

    public async Task<IWarmSession> StartWarmAsync(Variant variant, CancellationToken cancellationToken)
    {
        var port = Portable.TestKit.FreePort.Next();
        var host = Start(variant, port);
        var http = new HttpClient(new SocketsHttpHandler { UseProxy = false, MaxConnectionsPerServer = options.Concurrency })
        {
            BaseAddress = new Uri($"http://127.0.0.1:{port}"),
            Timeout = Patience,
        };
        try
        {
            await host.Process.WaitUntilAsync($"answering GET {ListPath}", token => FirstAnswerAsync(http, new Uri(ListPath, UriKind.Relative), TimeSpan.FromMilliseconds(5), token), Patience, cancellationToken);
            using (var created = await http.PostAsync(new Uri("/items", UriKind.Relative), new StringContent("""{"name":"widget","price":9.5}""", Encoding.UTF8, "application/json"), cancellationToken))
            {
                if (!created.IsSuccessStatusCode)
                {
                    throw new InvalidOperationException($"{variant.Name}: POST /items answered {(int)created.StatusCode}: {await created.Content.ReadAsStringAsync(cancellationToken)}");
                }
            }

            return new HttpWarmSession(host, http, options.Concurrency, host.Process.Id, () => host.Process.LineCount);
        }
        catch
        {
            http.Dispose();
            await host.DisposeAsync();
            throw;
        }
    }

    public void Dispose() => _probe.Dispose();

    // As Cloud Run starts a container's server (PORT set, nothing else of this machine's), with the benchmark's --env.
    private CloudRunProcess Start(Variant variant, int port) =>
        CloudRunProcess.Start(port, options.Environment.ToDictionary(e => e.Key, string? (e) => e.Value), variant.Executable(repoRoot));

    /// <summary>Asks <paramref name="url"/> every <paramref name="interval"/> until it answers: a 200 returns, another status fails.</summary>
    private static async Task FirstAnswerAsync(HttpClient http, Uri url, TimeSpan interval, CancellationToken cancellationToken)
    {
        while (true)
        {
            try
            {
                using var response = await http.GetAsync(url, cancellationToken);
                var body = await response.Content.ReadAsStringAsync(cancellationToken);
                if (response.StatusCode == HttpStatusCode.OK)
                {
                    return;
                }

                throw new InvalidOperationException($"GET {ListPath} answered {(int)response.StatusCode}: {body}");
            }
            catch (HttpRequestException)
            {
                await Task.Delay(interval, cancellationToken); // not listening yet
            }
        }
    }
}
