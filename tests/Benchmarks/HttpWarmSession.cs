using System.Net;
using System.Text;

namespace Portable.Benchmarks;

/// <summary>
/// A server under warm load over HTTP: keep-alive connections of this process asking <c>GET /items?limit=1</c>, a 200
/// counting as served. <paramref name="owner"/> is what runs the server (its process, or the emulator in front of it).
/// </summary>
internal sealed class HttpWarmSession(IAsyncDisposable owner, HttpClient http, int concurrency, int processId, Func<long> outputLines) : IWarmSession
{
    private static readonly Uri List = new("/items?limit=1", UriKind.Relative);

    public int ProcessId => processId;

    public long OutputLines => outputLines();

    public Task<LoadResult> LoadAsync(TimeSpan duration) => LoadLoop.RunAsync(ListAsync, concurrency, duration);

    public async ValueTask DisposeAsync()
    {
        http.Dispose();
        await owner.DisposeAsync();
    }

    private async Task<string?> ListAsync()
    {
        try
        {
            using var response = await http.GetAsync(List, CancellationToken.None);
            var body = await response.Content.ReadAsByteArrayAsync(CancellationToken.None);
            return response.StatusCode == HttpStatusCode.OK ? null : $"{(int)response.StatusCode}: {Encoding.UTF8.GetString(body)}";
        }
        catch (HttpRequestException ex)
        {
            return ex.Message;
        }
    }
}
