using System.ComponentModel;
using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Runtime.InteropServices;
using System.Text;

namespace Portable.Emulators.Processes;

/// <summary>
/// A process started by a test, an emulator or a benchmark: an engine, a host under test, a function's runtime. Its
/// stdout and stderr are read as they come and the latest lines kept (bounded) for failure messages; it can be
/// waited on until it prints a line, listens on a port, answers HTTP or reaches any other readiness, each bounded by a
/// timeout that fails with what it printed; it can be signalled; disposing kills the whole process tree.
/// </summary>
public sealed class ChildProcess : IAsyncDisposable, IDisposable
{
    /// <summary>POSIX SIGINT, what Ctrl+C sends.</summary>
    public const int SigInt = 2;

    /// <summary>POSIX SIGKILL.</summary>
    public const int SigKill = 9;

    /// <summary>POSIX SIGTERM, what Lambda, Cloud Run and container runtimes send before they stop a process.</summary>
    public const int SigTerm = 15;

    private static readonly TimeSpan DisposeWait = TimeSpan.FromSeconds(10);
    private readonly Process _process;
    private readonly int _maxLines;
    private readonly Queue<OutputLine> _lines = new();
    private readonly List<(Func<string, bool> Predicate, TaskCompletionSource<string> Found)> _waiters = [];
    private readonly TaskCompletionSource _exited = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly Lock _gate = new();
    private long _lineCount;

    private ChildProcess(Process process, string name, int maxLines)
    {
        _process = process;
        Name = name;
        _maxLines = maxLines;
    }

    /// <summary>The <c>dotnet</c> executable: <c>DOTNET_HOST_PATH</c> (set by <c>dotnet test</c> and <c>dotnet run</c>), else <c>dotnet</c> on PATH.</summary>
    public static string DotnetHost => System.Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } host ? host : "dotnet";

    /// <summary>What the process is called in failure messages.</summary>
    public string Name { get; }

    /// <summary>The process id.</summary>
    public int Id => _process.Id;

    /// <summary>True once the process has exited.</summary>
    public bool HasExited => _process.HasExited;

    /// <summary>The exit code, once the process has exited.</summary>
    public int? ExitCode => _process.HasExited ? _process.ExitCode : null;

    /// <summary>How many lines the process has written to stdout and stderr, the dropped ones included.</summary>
    public long LineCount => Interlocked.Read(ref _lineCount);

    /// <summary>The kept lines (the latest <see cref="ChildProcessOptions.MaxOutputLines"/>), stdout and stderr in arrival order.</summary>
    public IReadOnlyList<OutputLine> Lines
    {
        get
        {
            lock (_gate)
            {
                return [.. _lines];
            }
        }
    }

    /// <summary>The text of the kept lines, stdout and stderr in arrival order.</summary>
    public IReadOnlyList<string> OutputLines => [.. Lines.Select(l => l.Text)];

    /// <summary>The kept stdout lines, one per line.</summary>
    public string StandardOutput => string.Join('\n', Lines.Where(l => !l.IsError).Select(l => l.Text));

    /// <summary>The kept stderr lines, one per line.</summary>
    public string StandardError => string.Join('\n', Lines.Where(l => l.IsError).Select(l => l.Text));

    /// <summary>The kept lines, stdout and stderr in arrival order, saying how many earlier lines were dropped.</summary>
    public string Output
    {
        get
        {
            lock (_gate)
            {
                var text = string.Join('\n', _lines.Select(l => l.Text));
                var dropped = _lineCount - _lines.Count;
                return dropped > 0 ? string.Create(CultureInfo.InvariantCulture, $"({dropped} earlier lines not kept)\n{text}") : text;
            }
        }
    }

    /// <summary>Starts the process with stdout and stderr read into the kept lines.</summary>
    /// <exception cref="ChildProcessException">The executable could not be started.</exception>
    public static ChildProcess Start(ChildProcessOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentOutOfRangeException.ThrowIfLessThan(options.MaxOutputLines, 1);
        var info = new ProcessStartInfo(options.FileName)
        {
            UseShellExecute = false,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            // A pipe nothing writes to: the child never reads the terminal of whoever runs the tests.
            RedirectStandardInput = true,
            StandardOutputEncoding = Encoding.UTF8,
            StandardErrorEncoding = Encoding.UTF8,
        };
        if (options.WorkingDirectory is not null)
        {
            info.WorkingDirectory = options.WorkingDirectory;
        }

        foreach (var argument in options.Arguments)
        {
            info.ArgumentList.Add(argument);
        }

        foreach (var (name, value) in options.Environment)
        {
            if (value is null)
            {
                info.Environment.Remove(name);
            }
            else
            {
                info.Environment[name] = value;
            }
        }

        var process = new Process { StartInfo = info, EnableRaisingEvents = true };
        var child = new ChildProcess(process, options.Name ?? Path.GetFileName(options.FileName), options.MaxOutputLines);
        process.OutputDataReceived += (_, e) => child.Append(isError: false, e.Data);
        process.ErrorDataReceived += (_, e) => child.Append(isError: true, e.Data);
        process.Exited += (_, _) => child._exited.TrySetResult();
        try
        {
            process.Start();
        }
        catch (Win32Exception ex)
        {
            process.Dispose();
            var where = options.WorkingDirectory is null ? string.Empty : $" in {options.WorkingDirectory}";
            throw new ChildProcessException($"{child.Name}: could not start '{options.FileName}'{where} ({ex.Message}). Is it installed and on PATH?", string.Empty, innerException: ex);
        }

        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return child;
    }

    /// <summary>Runs a process to its end and returns its output; throws when it fails or outlasts <paramref name="timeout"/>.</summary>
    /// <exception cref="ChildProcessException">It could not start, exited with a non-zero code, or ran longer than <paramref name="timeout"/> (it is then killed).</exception>
    public static async Task<string> RunAsync(ChildProcessOptions options, TimeSpan timeout, CancellationToken cancellationToken = default)
    {
        await using var process = Start(options);
        var code = await process.WaitForExitAsync(timeout, cancellationToken).ConfigureAwait(false);
        return code == 0
            ? process.Output
            : throw new ChildProcessException($"{process.Name} exited with code {code}.", process.Output, code);
    }

    /// <summary>Waits for the process to exit, with its output read to the end, and returns its exit code.</summary>
    public async Task<int> WaitForExitAsync(CancellationToken cancellationToken = default)
    {
        await _process.WaitForExitAsync(cancellationToken).ConfigureAwait(false);
        return _process.ExitCode;
    }

    /// <summary>Waits at most <paramref name="timeout"/> for the process to exit and returns its exit code.</summary>
    /// <exception cref="ChildProcessException">It still ran after <paramref name="timeout"/>.</exception>
    public async Task<int> WaitForExitAsync(TimeSpan timeout, CancellationToken cancellationToken = default)
    {
        using var limit = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        limit.CancelAfter(timeout);
        try
        {
            return await WaitForExitAsync(limit.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            throw new ChildProcessException($"{Name} still ran after {Seconds(timeout)}.", Output);
        }
    }

    /// <summary>
    /// Waits until <paramref name="ready"/> completes, failing early when the process exits first and failing when
    /// <paramref name="timeout"/> passes (<paramref name="ready"/> gets a token cancelled then). The other waits go
    /// through this; a caller passes what its platform waits for, such as a runtime's first poll.
    /// </summary>
    /// <param name="what">The readiness, for failure messages: "listening on 127.0.0.1:8080", "polling /runtime/invocation/next".</param>
    /// <param name="ready">Completes once the process is ready; its failure fails the wait.</param>
    /// <param name="timeout">How long the process may take.</param>
    /// <param name="cancellationToken">Stops the wait.</param>
    /// <exception cref="ChildProcessException">The process exited first, was not ready in time, or <paramref name="ready"/> failed.</exception>
    public async Task WaitUntilAsync(string what, Func<CancellationToken, Task> ready, TimeSpan timeout, CancellationToken cancellationToken = default)
    {
        switch (await WaitAsync(what, ready, timeout, cancellationToken).ConfigureAwait(false))
        {
            case WaitEnd.Exited:
                throw new ChildProcessException($"{Name} exited with code {ExitCode} before {what}.", Output, ExitCode);
            case WaitEnd.TimedOut:
                throw new ChildProcessException($"{Name} was not {what} within {Seconds(timeout)}.", Output);
            default:
                return;
        }
    }

    /// <summary>Waits until a line of stdout or stderr (one already kept, or a new one) matches <paramref name="predicate"/>, and returns it.</summary>
    /// <param name="predicate">The line waited for.</param>
    /// <param name="timeout">How long the process may take to print it.</param>
    /// <param name="description">The line, for failure messages: "a line containing 'Listening on'".</param>
    /// <param name="cancellationToken">Stops the wait.</param>
    /// <exception cref="ChildProcessException">The process exited, or <paramref name="timeout"/> passed, without such a line.</exception>
    public async Task<string> WaitForLineAsync(Func<string, bool> predicate, TimeSpan timeout, string description = "the line waited for", CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(predicate);
        var found = new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously);
        lock (_gate)
        {
            if (_lines.FirstOrDefault(l => predicate(l.Text)) is { } kept)
            {
                return kept.Text;
            }

            _waiters.Add((predicate, found));
        }

        try
        {
            var end = await WaitAsync($"printing {description}", token => found.Task.WaitAsync(token), timeout, cancellationToken).ConfigureAwait(false);
            return found.Task.IsCompletedSuccessfully ? found.Task.Result // also when it came with the last lines of an exited process
                : end == WaitEnd.Exited ? throw new ChildProcessException($"{Name} exited with code {ExitCode} without printing {description}.", Output, ExitCode)
                : throw new ChildProcessException($"{Name} did not print {description} within {Seconds(timeout)}.", Output);
        }
        finally
        {
            lock (_gate)
            {
                _waiters.RemoveAll(w => w.Found == found);
            }
        }
    }

    /// <summary>Waits until a line containing <paramref name="text"/> is printed, and returns it.</summary>
    /// <exception cref="ChildProcessException">The process exited, or <paramref name="timeout"/> passed, without such a line.</exception>
    public Task<string> WaitForLineAsync(string text, TimeSpan timeout, CancellationToken cancellationToken = default) =>
        WaitForLineAsync(l => l.Contains(text, StringComparison.Ordinal), timeout, $"a line containing '{text}'", cancellationToken);

    /// <summary>Waits until each of <paramref name="ports"/> on 127.0.0.1 accepts a TCP connection.</summary>
    /// <exception cref="ChildProcessException">The process exited, or <paramref name="timeout"/> passed, before that.</exception>
    public Task WaitForPortsAsync(IReadOnlyCollection<int> ports, TimeSpan timeout, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(ports);
        return WaitUntilAsync($"listening on 127.0.0.1:{string.Join(", ", ports)}", async token =>
        {
            foreach (var port in ports)
            {
                await PollAsync(async t =>
                {
                    using var client = new TcpClient();
                    try
                    {
                        await client.ConnectAsync(IPAddress.Loopback, port, t).ConfigureAwait(false);
                        return true;
                    }
                    catch (SocketException)
                    {
                        return false;
                    }
                }, TimeSpan.FromMilliseconds(50), token).ConfigureAwait(false);
            }
        }, timeout, cancellationToken);
    }

    /// <summary>Waits until <c>GET <paramref name="url"/></c> gets any HTTP answer, whatever its status (the process is serving).</summary>
    /// <exception cref="ChildProcessException">The process exited, or <paramref name="timeout"/> passed, before that.</exception>
    public async Task WaitForHttpAsync(Uri url, TimeSpan timeout, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(url);
        using var client = new HttpClient(new SocketsHttpHandler { UseProxy = false }) { Timeout = TimeSpan.FromSeconds(5) };
        await WaitUntilAsync($"answering GET {url}", token => PollAsync(async t =>
        {
            try
            {
                using var response = await client.GetAsync(url, t).ConfigureAwait(false);
                return true;
            }
            catch (HttpRequestException)
            {
                return false;
            }
            catch (TaskCanceledException) when (!t.IsCancellationRequested)
            {
                return false; // listening but slow to answer: ask again
            }
        }, TimeSpan.FromMilliseconds(20), token), timeout, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Sends POSIX signal <paramref name="signal"/> to the process alone (not its children), e.g. <see cref="SigTerm"/>.</summary>
    /// <exception cref="InvalidOperationException">The signal could not be sent (the process is gone).</exception>
    public void Signal(int signal)
    {
        if (Kill(_process.Id, signal) != 0)
        {
            throw new InvalidOperationException($"Could not send signal {signal} to {Name} (pid {_process.Id}): errno {Marshal.GetLastPInvokeError()}.");
        }
    }

    /// <summary>Sends SIGTERM, as a platform does before it stops an instance.</summary>
    public void Terminate() => Signal(SigTerm);

    /// <summary>Sends SIGINT, as Ctrl+C does.</summary>
    public void Interrupt() => Signal(SigInt);

    /// <summary>Kills the process and every process under it at once (SIGKILL: no shutdown), if it still runs.</summary>
    public void Kill()
    {
        try
        {
            _process.Kill(entireProcessTree: true);
        }
        catch (InvalidOperationException)
        {
            // already gone
        }
    }

    /// <summary>Kills the process tree if it still runs and waits (bounded) for it to go.</summary>
    public async ValueTask DisposeAsync()
    {
        if (!HasExited)
        {
            Kill();
            using var wait = new CancellationTokenSource(DisposeWait);
            try
            {
                await _process.WaitForExitAsync(wait.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                // would not die in time; nothing more to do
            }
        }

        _process.Dispose();
    }

    /// <summary>Kills the process tree if it still runs and waits (bounded) for it to go.</summary>
    public void Dispose()
    {
        if (!HasExited)
        {
            Kill();
            _process.WaitForExit(DisposeWait);
        }

        _process.Dispose();
    }

    private async Task<WaitEnd> WaitAsync(string what, Func<CancellationToken, Task> ready, TimeSpan timeout, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(ready);
        using var limit = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        limit.CancelAfter(timeout);
        var readiness = ready(limit.Token);
        try
        {
            await Task.WhenAny(readiness, _exited.Task, Task.Delay(Timeout.Infinite, limit.Token)).ConfigureAwait(false);
        }
        finally
        {
            await limit.CancelAsync().ConfigureAwait(false); // a probe still running stops
        }

        await Task.WhenAny(readiness).ConfigureAwait(false);
        if (readiness.IsCompletedSuccessfully)
        {
            return WaitEnd.Ready;
        }

        cancellationToken.ThrowIfCancellationRequested();
        if (readiness.Exception?.InnerException is { } failure and not OperationCanceledException)
        {
            throw new ChildProcessException($"{Name}: waiting until {what} failed: {failure.Message}", Output, ExitCode, failure);
        }

        if (HasExited)
        {
            await _process.WaitForExitAsync(CancellationToken.None).ConfigureAwait(false); // its last lines read
            return WaitEnd.Exited;
        }

        return WaitEnd.TimedOut;
    }

    private static async Task PollAsync(Func<CancellationToken, Task<bool>> probe, TimeSpan interval, CancellationToken cancellationToken)
    {
        while (!await probe(cancellationToken).ConfigureAwait(false))
        {
            await Task.Delay(interval, cancellationToken).ConfigureAwait(false);
        }
    }

    private static string Seconds(TimeSpan timeout) => string.Create(CultureInfo.InvariantCulture, $"{timeout.TotalSeconds:0.#} s");

    private void Append(bool isError, string? text)
    {
        if (text is null)
        {
            return; // end of the stream
        }

        List<TaskCompletionSource<string>>? matched = null;
        lock (_gate)
        {
            _lines.Enqueue(new OutputLine(isError, text));
            if (_lines.Count > _maxLines)
            {
                _lines.Dequeue();
            }

            Interlocked.Increment(ref _lineCount);
            foreach (var (predicate, found) in _waiters)
            {
                if (predicate(text))
                {
                    (matched ??= []).Add(found);
                }
            }
        }

        foreach (var found in matched ?? [])
        {
            found.TrySetResult(text);
        }
    }

    private enum WaitEnd
    {
        Ready,
        Exited,
        TimedOut,
    }

    // kill(2); DllImport rather than LibraryImport, whose generated code needs unsafe blocks for nothing here.
    [DllImport("libc", EntryPoint = "kill", SetLastError = true)]
    private static extern int Kill(int pid, int signal);
}
