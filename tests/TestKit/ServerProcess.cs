using System.Collections.Concurrent;
using System.Diagnostics;

namespace Portable.TestKit;

/// <summary>
/// A server started as a child process, as its users start it: waits until it answers HTTP, keeps its
/// output for failure messages, and is killed on dispose.
/// </summary>
public sealed class ServerProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly ConcurrentQueue<string> _output = new();

    private ServerProcess(Process process)
    {
        _process = process;
        process.OutputDataReceived += (_, e) => { if (e.Data is not null) { _output.Enqueue(e.Data); } };
        process.ErrorDataReceived += (_, e) => { if (e.Data is not null) { _output.Enqueue("stderr: " + e.Data); } };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
    }

    /// <summary>Everything the process printed so far.</summary>
    public string Output => string.Join('\n', _output);

    /// <summary>The process, for signals and exit codes.</summary>
    public Process Process => _process;

    /// <summary>Starts <c>dotnet <paramref name="assembly"/></c> (a path relative to the test output folder) with <paramref name="environment"/>.</summary>
    public static ServerProcess StartDotnet(string assembly, IReadOnlyDictionary<string, string?> environment, params string[] args)
    {
        var info = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = AppContext.BaseDirectory,
        };
        info.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, assembly));
        foreach (var arg in args)
        {
            info.ArgumentList.Add(arg);
        }

        foreach (var (name, value) in environment)
        {
            info.Environment[name] = value;
        }

        return new ServerProcess(Process.Start(info) ?? throw new InvalidOperationException($"Could not start dotnet {assembly}."));
    }

    /// <summary>Polls <paramref name="url"/> until any HTTP answer arrives; fails with the process output otherwise.</summary>
    public async Task WaitUntilAnsweringAsync(Uri url, TimeSpan timeout)
    {
        using var client = new HttpClient { Timeout = TimeSpan.FromSeconds(2) };
        var stopwatch = Stopwatch.StartNew();
        while (stopwatch.Elapsed < timeout)
        {
            if (_process.HasExited)
            {
                throw new InvalidOperationException($"The server exited with code {_process.ExitCode} before answering {url}.\n{Output}");
            }

            try
            {
                using var _ = await client.GetAsync(url);
                return;
            }
            catch (HttpRequestException)
            {
            }
            catch (TaskCanceledException)
            {
            }

            await Task.Delay(50);
        }

        throw new TimeoutException($"The server did not answer {url} within {timeout}.\n{Output}");
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
        }

        _process.Dispose();
    }
}
