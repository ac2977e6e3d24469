using System.Collections.Concurrent;
using System.Diagnostics;

namespace Portable.Emulators.Azure;

/// <summary>The custom handler as a child process, its stdout and stderr kept (the last lines) for diagnostics.</summary>
internal sealed class HandlerProcess : IDisposable
{
    private const int KeptLines = 400;
    private readonly Process _process;
    private readonly ConcurrentQueue<string> _output = new();

    private HandlerProcess(Process process) => _process = process;

    public bool HasExited => _process.HasExited;

    public int ExitCode => _process.ExitCode;

    public int Id => _process.Id;

    public string Output => string.Join(System.Environment.NewLine, _output);

    public static HandlerProcess Start(string fileName, IEnumerable<string> arguments, string workingDirectory, IReadOnlyDictionary<string, string> environment)
    {
        var info = new ProcessStartInfo(fileName)
        {
            WorkingDirectory = workingDirectory,
            UseShellExecute = false,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = false,
        };
        foreach (var argument in arguments)
        {
            info.ArgumentList.Add(argument);
        }

        foreach (var (name, value) in environment)
        {
            info.Environment[name] = value;
        }

        var process = new Process { StartInfo = info, EnableRaisingEvents = true };
        var handler = new HandlerProcess(process);
        process.OutputDataReceived += (_, e) => handler.Keep(e.Data);
        process.ErrorDataReceived += (_, e) => handler.Keep(e.Data);
        try
        {
            process.Start();
        }
        catch (System.ComponentModel.Win32Exception ex)
        {
            process.Dispose();
            throw new FunctionsHostStartException($"Could not start the custom handler '{fileName}' in {workingDirectory}: {ex.Message}", string.Empty, ex);
        }

        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return handler;
    }

    private void Keep(string? line)
    {
        if (line is null)
        {
            return;
        }

        _output.Enqueue(line);
        while (_output.Count > KeptLines && _output.TryDequeue(out _))
        {
        }
    }

    public void Dispose()
    {
        try
        {
            if (!_process.HasExited)
            {
                _process.Kill(entireProcessTree: true);
                _process.WaitForExit(5000);
            }
        }
        catch (InvalidOperationException)
        {
            // Exited between the check and the kill.
        }

        _process.Dispose();
    }
}
