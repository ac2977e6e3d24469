using System.Globalization;
using System.Net;
using System.Text;
using System.Text.Json;
using Portable.Emulators.Processes;

namespace Portable.Compare.Hosts;

/// <summary>A dead letter as the local host lists it.</summary>
public sealed record LocalDeadLetter(string Id, string Body, string Reason, int DeliveryCount);

/// <summary>
/// The local host as its users run it: <c>portable run --port N --data DIR</c> (src/Local's build output) with a data
/// folder of its own, deleted on dispose; or an app's own program that runs <c>LocalHost</c> with the same options.
/// Its queue is reached over its HTTP API (<c>/_local/queues/…</c>). It can be killed and started again on the same
/// data folder, as a user's crashed host is.
/// </summary>
public sealed class LocalHostProcess : IAsyncDisposable
{
    private readonly HttpClient _client;
    private readonly ChildProcessOptions _start;
    private readonly List<ChildProcess> _earlier = [];

    private LocalHostProcess(ChildProcess process, ChildProcessOptions start, int port, string dataDirectory)
    {
        Process = process;
        _start = start;
        BaseAddress = new Uri($"http://127.0.0.1:{port}");
        DataDirectory = dataDirectory;
        _client = CreateClient(HostDefaults.RequestTimeout);
    }

    /// <summary>The <c>portable</c> process (the latest, after a <see cref="RestartAsync"/>).</summary>
    public ChildProcess Process { get; private set; }

    /// <summary>The processes that ran before the current one, oldest first, kept for their output.</summary>
    public IReadOnlyList<ChildProcess> EarlierProcesses => _earlier;

    /// <summary>The output of every process so far, each under its start, for a failure message.</summary>
    public string Output => string.Join('\n', _earlier.Append(Process).Select((p, i) => $"--- start {i + 1} ---\n{p.Output}"));

    /// <summary>Its front door.</summary>
    public Uri BaseAddress { get; }

    /// <summary>The folder holding its SQLite file (state and queue).</summary>
    public string DataDirectory { get; }

    /// <summary>The SQLite file inside <see cref="DataDirectory"/>.</summary>
    public string DatabasePath => Path.Combine(DataDirectory, "portable.db");

    /// <summary>
    /// Starts the host on a free port with an empty data folder and waits until it answers HTTP.
    /// <paramref name="environment"/> is applied last (a null value unsets a variable): <c>PORTABLE_FAULTS_TRANSIENT_RATE</c>,
    /// for one. <paramref name="arguments"/> are added to <c>run</c>'s, e.g. <c>--queue-visibility 2</c>.
    /// </summary>
    /// <param name="program">
    /// The host: src/Local's <c>portable</c> when null, or an app's own program (e.g. <see cref="HostBuilds.SampleApp"/>),
    /// which takes the host's options with no <c>run</c> command before them.
    /// </param>
    /// <param name="environment">Variables for the process, applied last (a null value unsets one).</param>
    /// <param name="arguments">Command-line arguments after the command.</param>
    /// <param name="maxOutputLines">How many lines of the output to keep for failure messages.</param>
    /// <param name="timeout">How long to wait until it is ready; <see cref="HostDefaults.StartupTimeout"/> when null.</param>
    /// <param name="cancellationToken">Stops waiting for the start.</param>
    /// <exception cref="ChildProcessException">It exited, or did not answer within <paramref name="timeout"/> (it is killed then).</exception>
    public static async Task<LocalHostProcess> StartAsync(
        IReadOnlyDictionary<string, string?>? environment = null,
        IReadOnlyList<string>? arguments = null,
        int maxOutputLines = ChildProcessOptions.DefaultMaxOutputLines,
        TimeSpan? timeout = null,
        string? program = null,
        CancellationToken cancellationToken = default)
    {
        var dataDirectory = Directory.CreateTempSubdirectory("portable-local-host-").FullName;
        var port = FreePort.Next();
        var variables = Variables.Merge(new Dictionary<string, string?> { ["PORT"] = null, ["ASPNETCORE_URLS"] = null }, environment);

        ChildProcess? process = null;
        try
        {
            string[] command = program is null ? ["run"] : [];
            var start = ChildProcessOptions.Program(
                program ?? HostBuilds.LocalHost,
                [.. command, "--port", port.ToString(CultureInfo.InvariantCulture), "--data", dataDirectory, .. arguments ?? []]) with
            {
                Environment = variables,
                Name = program is null ? "portable run" : Path.GetFileNameWithoutExtension(program),
                MaxOutputLines = maxOutputLines,
            };
            process = ChildProcess.Start(start);
            var host = new LocalHostProcess(process, start, port, dataDirectory);
            await host.WaitUntilServingAsync(timeout, cancellationToken);
            return host;
        }
        catch
        {
            if (process is not null)
            {
                await process.DisposeAsync();
            }

            DeleteData(dataDirectory);
            throw;
        }
    }

    /// <summary>
    /// Kills the host with SIGKILL, as a crash or an out-of-memory kill does: no shutdown, leased queue messages left
    /// leased, a write cut wherever it was. Waits until the process is gone; the data folder stays for <see cref="RestartAsync"/>.
    /// </summary>
    public async Task KillAsync(CancellationToken cancellationToken = default)
    {
        Process.Kill();
        await Process.WaitForExitAsync(HostDefaults.StartupTimeout, cancellationToken);
    }

    /// <summary>
    /// Starts the host again with the same command — port, data folder, variables and options — as its user does
    /// after a crash, and waits until it answers HTTP. The process before it (killed or exited) is kept in
    /// <see cref="EarlierProcesses"/>.
    /// </summary>
    /// <exception cref="InvalidOperationException">The current process still runs.</exception>
    /// <exception cref="ChildProcessException">It exited, or did not answer within <paramref name="timeout"/>.</exception>
    public async Task RestartAsync(TimeSpan? timeout = null, CancellationToken cancellationToken = default)
    {
        if (!Process.HasExited)
        {
            throw new InvalidOperationException("The host still runs; kill it first.");
        }

        _earlier.Add(Process);
        Process = ChildProcess.Start(_start);
        await WaitUntilServingAsync(timeout, cancellationToken);
    }

    /// <summary>A client on the front door.</summary>
    public HttpClient CreateClient(TimeSpan timeout) => new(new SocketsHttpHandler { UseProxy = false }) { BaseAddress = BaseAddress, Timeout = timeout };

    /// <summary><c>POST /_local/queues/{queue}</c> with an optional <c>Message-Id</c>; returns the message's id.</summary>
    public async Task<string> EnqueueAsync(string queue, string body, string? messageId = null, CancellationToken cancellationToken = default)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, $"/_local/queues/{queue}") { Content = new StringContent(body, Encoding.UTF8, "application/json") };
        if (messageId is not null)
        {
            request.Headers.Add("Message-Id", messageId);
        }

        using var answer = await ReadAsync(request, HttpStatusCode.Accepted, cancellationToken);
        return answer.RootElement.GetProperty("id").GetString()!;
    }

    /// <summary><c>GET /_local/queues/{queue}</c>: how many messages wait (visible or leased) and how many were dead-lettered.</summary>
    public async Task<(long Messages, long DeadLetters)> DepthAsync(string queue, CancellationToken cancellationToken = default)
    {
        using var answer = await ReadAsync(new HttpRequestMessage(HttpMethod.Get, $"/_local/queues/{queue}"), HttpStatusCode.OK, cancellationToken);
        return (answer.RootElement.GetProperty("messages").GetInt64(), answer.RootElement.GetProperty("deadLetters").GetInt64());
    }

    /// <summary><c>GET /_local/queues/{queue}/dead-letters</c>, oldest first.</summary>
    public async Task<IReadOnlyList<LocalDeadLetter>> DeadLettersAsync(string queue, CancellationToken cancellationToken = default)
    {
        using var answer = await ReadAsync(new HttpRequestMessage(HttpMethod.Get, $"/_local/queues/{queue}/dead-letters"), HttpStatusCode.OK, cancellationToken);
        return [.. answer.RootElement.GetProperty("deadLetters").EnumerateArray().Select(l => new LocalDeadLetter(
            l.GetProperty("id").GetString()!, l.GetProperty("body").GetString()!, l.GetProperty("reason").GetString()!, l.GetProperty("deliveryCount").GetInt32()))];
    }

    /// <summary><c>POST /_local/queues/{queue}/dead-letters/redrive</c>: every dead letter back on the queue; returns how many.</summary>
    public async Task<int> RedriveAsync(string queue, CancellationToken cancellationToken = default)
    {
        using var answer = await ReadAsync(new HttpRequestMessage(HttpMethod.Post, $"/_local/queues/{queue}/dead-letters/redrive"), HttpStatusCode.OK, cancellationToken);
        return answer.RootElement.GetProperty("redriven").GetInt32();
    }

    /// <summary>Kills the host and deletes its data folder.</summary>
    public async ValueTask DisposeAsync()
    {
        _client.Dispose();
        await Process.DisposeAsync();
        foreach (var earlier in _earlier)
        {
            await earlier.DisposeAsync();
        }

        DeleteData(DataDirectory);
    }

    private Task WaitUntilServingAsync(TimeSpan? timeout, CancellationToken cancellationToken) =>
        Process.WaitForHttpAsync(new Uri(BaseAddress, "/_local/queues/none"), timeout ?? HostDefaults.StartupTimeout, cancellationToken);

    private static void DeleteData(string directory)
    {
        try
        {
            Directory.Delete(directory, recursive: true);
        }
        catch (IOException)
        {
            // a file still held open; the temp folder is cleaned some other day
        }
    }

    private async Task<JsonDocument> ReadAsync(HttpRequestMessage request, HttpStatusCode expected, CancellationToken cancellationToken)
    {
        using (request)
        {
            using var response = await _client.SendAsync(request, cancellationToken);
            var text = await response.Content.ReadAsStringAsync(cancellationToken);
            return response.StatusCode == expected
                ? JsonDocument.Parse(text)
                : throw new InvalidOperationException($"{request.Method} {request.RequestUri} answered {(int)response.StatusCode}: {text}");
        }
    }
}
