using System.Net;
using System.Net.Http.Headers;
using Microsoft.Data.Sqlite;
using Portable.Core.Patterns.Jobs;
using Portable.Core.State;
using Portable.Compare.Hosts;
using Portable.Local.State;
using Portable.Local.Storage;

namespace Portable.Conformance.Jobs;

/// <summary>
/// The local host as its users run it (<see cref="LocalHostProcess"/>): the upload is <c>PUT /_local/buckets/uploads/{key}</c>,
/// which stores the file in the data folder and queues its object-created event for <c>job-upload-starter</c> on the
/// durable SQLite queue of that name; the event is delivered again with <c>POST /_local/object-events</c> and the
/// upload's own answer as the body, as a platform delivering it twice does. A delivery is settled once the function's
/// queue is empty. The state store is the host's SQLite file, opened beside it.
/// </summary>
internal sealed class LocalUploadJobHost : IUploadJobHost
{
    private static readonly TimeSpan SettleDeadline = TimeSpan.FromSeconds(60);

    private readonly LocalHostProcess _process;
    private readonly HttpClient _client;
    private string? _event;

    private LocalUploadJobHost(LocalHostProcess process)
    {
        _process = process;
        _client = process.CreateClient(HostDefaults.RequestTimeout);
        Store = new SqliteStateStore(process.DatabasePath, TimeProvider.System);
    }

    public string Name => "local";

    public string Wiring => $"portable run: PUT {LocalObjectEndpoints.BucketsPrefix}/uploads/… into the data folder, the event on the SQLite queue {JobUploadStarter.FunctionName}, again through POST {LocalObjectEndpoints.EventsPath}; job-chunk-worker on {JobChunkWorker.Queue}; state in the same SQLite file";

    public HttpClient Jobs => _client;

    public IStateStore Store { get; }

    public string Output => _process.Output;

    public static async Task<IUploadJobHost> StartAsync() => new LocalUploadJobHost(await LocalHostProcess.StartAsync(maxOutputLines: 20_000));

    public async Task<string> UploadAsync(string key, byte[] content)
    {
        using var body = new ByteArrayContent(content);
        body.Headers.ContentType = new MediaTypeHeaderValue("text/csv") { CharSet = "utf-8" };
        var path = $"{LocalObjectEndpoints.BucketsPrefix}/uploads/{string.Join('/', key.Split('/').Select(Uri.EscapeDataString))}";
        using var response = await _client.PutAsync(new Uri(path, UriKind.Relative), body);
        _event = await response.Content.ReadAsStringAsync();
        Check(response.StatusCode == HttpStatusCode.Created, $"PUT {path} answered {(int)response.StatusCode}: {_event}");
        await SettledAsync();
        return $"201 {_event}";
    }

    public async Task<string> DeliverAgainAsync()
    {
        var uploaded = _event ?? throw new InvalidOperationException("Nothing was uploaded yet.");
        using var response = await _client.PostAsync(new Uri(LocalObjectEndpoints.EventsPath, UriKind.Relative), new StringContent(uploaded, System.Text.Encoding.UTF8, "application/json"));
        var text = await response.Content.ReadAsStringAsync();
        Check(response.StatusCode == HttpStatusCode.Accepted, $"POST {LocalObjectEndpoints.EventsPath} answered {(int)response.StatusCode}: {text}");
        await SettledAsync();
        return $"202 {text}";
    }

    public async Task<bool> IsIdleAsync() =>
        (await _process.DepthAsync(JobChunkWorker.Queue)).Messages == 0 && (await _process.DepthAsync(JobUploadStarter.FunctionName)).Messages == 0;

    public async Task<int> DeadLetterCountAsync() =>
        (int)((await _process.DepthAsync(JobChunkWorker.Queue)).DeadLetters + (await _process.DepthAsync(JobUploadStarter.FunctionName)).DeadLetters);

    public void ThrowIfBroken()
    {
        if (_process.Process.HasExited)
        {
            throw new InvalidOperationException($"portable run exited with code {_process.Process.ExitCode}.");
        }
    }

    public async ValueTask DisposeAsync()
    {
        _client.Dispose();
        SqliteConnection.ClearAllPools();
        await _process.DisposeAsync();
    }

    private async Task SettledAsync()
    {
        var clock = System.Diagnostics.Stopwatch.StartNew();
        while ((await _process.DepthAsync(JobUploadStarter.FunctionName)).Messages > 0)
        {
            ThrowIfBroken();
            Check(clock.Elapsed < SettleDeadline, $"the delivery to {JobUploadStarter.FunctionName} was not settled within {SettleDeadline.TotalSeconds:0} s");
            await Task.Delay(50);
        }
    }

    private void Check(bool condition, string detail)
    {
        if (!condition)
        {
            throw new Xunit.Sdk.XunitException($"[local] {detail}\n{CsvJobScenario.Tail(Output)}");
        }
    }
}
