using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net.Sockets;

namespace Portable.Engines;

/// <summary>
/// A local engine run as a child process: keeps its output for failure messages, waits until its TCP ports accept
/// connections, and kills the whole process tree on dispose.
/// </summary>
public sealed class EngineProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly ConcurrentQueue<string> _output = new();

    private EngineProcess(string name, Process process)
    {
        Name = name;
        _process = process;
        process.OutputDataReceived += (_, e) => { if (e.Data is not null) { _output.Enqueue(e.Data); } };
        process.ErrorDataReceived += (_, e) => { if (e.Data is not null) { _output.Enqueue("stderr: " + e.Data); } };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
    }

    /// <summary>What the engine is called in failure messages.</summary>
    public string Name { get; }

    /// <summary>Everything the process printed so far.</summary>
    public string Output => string.Join('\n', _output);

    /// <summary>Starts <paramref name="fileName"/> with <paramref name="args"/> in <paramref name="workingDirectory"/>.</summary>
    public static EngineProcess Start(string name, string fileName, IEnumerable<string> args, string workingDirectory)
    {
        var info = new ProcessStartInfo(fileName)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
            WorkingDirectory = workingDirectory,
        };
        foreach (var arg in args)
        {
            info.ArgumentList.Add(arg);
        }

        try
        {
            return new EngineProcess(name, Process.Start(info) ?? throw new InvalidOperationException($"{name}: could not start {fileName}."));
        }
        catch (System.ComponentModel.Win32Exception e)
        {
            throw new InvalidOperationException($"{name}: could not start '{fileName}' ({e.Message}). Is it installed and on PATH?", e);
        }
    }

    /// <summary>Waits until every one of <paramref name="ports"/> on 127.0.0.1 accepts a TCP connection; fails with the engine's output otherwise.</summary>
    public async Task WaitForPortsAsync(IEnumerable<int> ports, TimeSpan timeout)
    {
        var stopwatch = Stopwatch.StartNew();
        foreach (var port in ports)
        {
            while (true)
            {
                if (_process.HasExited)
                {
                    throw new InvalidOperationException($"{Name} exited with code {_process.ExitCode} before listening on 127.0.0.1:{port}.\n{Output}");
                }

                if (stopwatch.Elapsed > timeout)
                {
                    throw new TimeoutException($"{Name} did not listen on 127.0.0.1:{port} within {timeout}.\n{Output}");
                }

                using var client = new TcpClient();
                try
                {
                    await client.ConnectAsync(System.Net.IPAddress.Loopback, port);
                    break;
                }
                catch (SocketException)
                {
                    await Task.Delay(50);
                }
            }
        }
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
