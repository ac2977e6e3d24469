using System.Diagnostics;
using System.Globalization;
using System.Text;

namespace Portable.Emulators.Aws;

/// <summary>How to start a bootstrap as <see cref="LambdaFunctionProcess"/>.</summary>
public sealed class LambdaFunctionProcessOptions
{
    /// <summary>The bootstrap: a native or self-contained executable, or a framework-dependent <c>.dll</c> run with <c>dotnet</c>.</summary>
    public required string BootstrapPath { get; init; }

    /// <summary>The Runtime API's <c>host:port</c> for <c>AWS_LAMBDA_RUNTIME_API</c> (see <see cref="LambdaRuntimeApiEmulator.RuntimeApi"/>).</summary>
    public required string RuntimeApi { get; init; }

    /// <summary>The <c>_HANDLER</c> value; null leaves <c>_HANDLER</c> unset (to exercise the init error).</summary>
    public string? Handler { get; init; } = "items-api";

    /// <summary><c>AWS_LAMBDA_FUNCTION_NAME</c>; the handler (or <c>portable-function</c>) when null.</summary>
    public string? FunctionName { get; init; }

    /// <summary><c>AWS_LAMBDA_FUNCTION_MEMORY_SIZE</c> in MB.</summary>
    public int MemorySizeMb { get; init; } = 512;

    /// <summary><c>AWS_REGION</c> and <c>AWS_DEFAULT_REGION</c>.</summary>
    public string Region { get; init; } = "us-east-1";

    /// <summary>Extra variables, applied last; a null value removes a variable.</summary>
    public IDictionary<string, string?> Environment { get; init; } = new Dictionary<string, string?>(StringComparer.Ordinal);

    /// <summary>The working directory; the bootstrap's folder (Lambda's <c>LAMBDA_TASK_ROOT</c>) when null.</summary>
    public string? WorkingDirectory { get; init; }

    /// <summary>The <c>dotnet</c> host used for a <c>.dll</c>; <c>DOTNET_HOST_PATH</c> or <c>dotnet</c> on PATH when null.</summary>
    public string? DotnetHostPath { get; init; }
}

/// <summary>
/// A bootstrap running as a child process with the environment Lambda gives a custom runtime
/// (<c>AWS_LAMBDA_RUNTIME_API</c>, <c>_HANDLER</c>, <c>AWS_LAMBDA_FUNCTION_NAME</c>, <c>LAMBDA_TASK_ROOT</c>, …).
/// Its stdout and stderr are captured line by line; disposing kills the process tree.
/// </summary>
public sealed class LambdaFunctionProcess : IAsyncDisposable, IDisposable
{
    private readonly Process _process;
    private readonly StringBuilder _stdout = new();
    private readonly StringBuilder _stderr = new();
    private readonly List<string> _lines = [];
    private readonly Lock _gate = new();
    private readonly TaskCompletionSource _exited = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private event Action? LineWritten;

    private LambdaFunctionProcess(Process process) => _process = process;

    /// <summary>The process id.</summary>
    public int ProcessId => _process.Id;

    /// <summary>True once the process has exited.</summary>
    public bool HasExited => _process.HasExited;

    /// <summary>The exit code, once the process has exited.</summary>
    public int? ExitCode => _process.HasExited ? _process.ExitCode : null;

    /// <summary>Everything written to stdout so far.</summary>
    public string StandardOutput
    {
        get
        {
            lock (_gate)
            {
                return _stdout.ToString();
            }
        }
    }

    /// <summary>Everything written to stderr so far.</summary>
    public string StandardError
    {
        get
        {
            lock (_gate)
            {
                return _stderr.ToString();
            }
        }
    }

    /// <summary>Every line from stdout and stderr so far, in arrival order.</summary>
    public IReadOnlyList<string> OutputLines
    {
        get
        {
            lock (_gate)
            {
                return [.. _lines];
            }
        }
    }

    /// <summary>Starts the bootstrap.</summary>
    public static LambdaFunctionProcess Start(LambdaFunctionProcessOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var bootstrap = Path.GetFullPath(options.BootstrapPath);
        if (!File.Exists(bootstrap))
        {
            throw new FileNotFoundException($"No bootstrap at {bootstrap}.", bootstrap);
        }

        var taskRoot = Path.GetDirectoryName(bootstrap)!;
        var isDll = bootstrap.EndsWith(".dll", StringComparison.OrdinalIgnoreCase);
        var start = new ProcessStartInfo
        {
            FileName = isDll ? options.DotnetHostPath ?? System.Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") ?? "dotnet" : bootstrap,
            WorkingDirectory = options.WorkingDirectory ?? taskRoot,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = false,
            UseShellExecute = false,
            StandardOutputEncoding = Encoding.UTF8,
            StandardErrorEncoding = Encoding.UTF8,
        };
        if (isDll)
        {
            start.ArgumentList.Add(bootstrap);
        }

        var name = options.FunctionName ?? options.Handler ?? "portable-function";
        var env = start.Environment;
        env.Remove("_X_AMZN_TRACE_ID");
        env["AWS_LAMBDA_RUNTIME_API"] = options.RuntimeApi;
        if (options.Handler is null)
        {
            env.Remove("_HANDLER");
        }
        else
        {
            env["_HANDLER"] = options.Handler;
        }

        env["LAMBDA_TASK_ROOT"] = taskRoot;
        env["LAMBDA_RUNTIME_DIR"] = taskRoot;
        env["AWS_LAMBDA_FUNCTION_NAME"] = name;
        env["AWS_LAMBDA_FUNCTION_VERSION"] = "$LATEST";
        env["AWS_LAMBDA_FUNCTION_MEMORY_SIZE"] = options.MemorySizeMb.ToString(CultureInfo.InvariantCulture);
        env["AWS_LAMBDA_LOG_GROUP_NAME"] = "/aws/lambda/" + name;
        env["AWS_LAMBDA_LOG_STREAM_NAME"] = "local/[$LATEST]" + Guid.NewGuid().ToString("N");
        env["AWS_LAMBDA_INITIALIZATION_TYPE"] = "on-demand";
        env["AWS_REGION"] = options.Region;
        env["AWS_DEFAULT_REGION"] = options.Region;
        foreach (var (key, value) in options.Environment)
        {
            if (value is null)
            {
                env.Remove(key);
            }
            else
            {
                env[key] = value;
            }
        }

        var process = new Process { StartInfo = start, EnableRaisingEvents = true };
        var function = new LambdaFunctionProcess(process);
        process.OutputDataReceived += (_, e) => function.Append(function._stdout, e.Data);
        process.ErrorDataReceived += (_, e) => function.Append(function._stderr, e.Data);
        process.Exited += (_, _) => function._exited.TrySetResult();
        if (!process.Start())
        {
            throw new InvalidOperationException($"Could not start {start.FileName}.");
        }

        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return function;
    }

    /// <summary>Waits for the process to exit and returns its exit code (output fully captured).</summary>
    public async Task<int> WaitForExitAsync(CancellationToken cancellationToken = default)
    {
        await _process.WaitForExitAsync(cancellationToken).ConfigureAwait(false); // also drains the output readers
        return _process.ExitCode;
    }

    /// <summary>Waits until a line of stdout or stderr matches <paramref name="predicate"/>, and returns it.</summary>
    /// <exception cref="InvalidOperationException">The process exited without writing such a line.</exception>
    public async Task<string> WaitForOutputAsync(Func<string, bool> predicate, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(predicate);
        var found = new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously);
        void Check()
        {
            var match = OutputLines.FirstOrDefault(predicate);
            if (match is not null)
            {
                found.TrySetResult(match);
            }
        }

        LineWritten += Check;
        try
        {
            Check();
            var completed = await Task.WhenAny(found.Task, _exited.Task.WaitAsync(cancellationToken)).ConfigureAwait(false);
            if (completed != found.Task)
            {
                await completed.ConfigureAwait(false); // surfaces cancellation
                await _process.WaitForExitAsync(cancellationToken).ConfigureAwait(false);
                Check();
                if (!found.Task.IsCompleted)
                {
                    throw new InvalidOperationException($"The bootstrap exited ({_process.ExitCode}) without the expected output. Output:\n{string.Join('\n', OutputLines)}");
                }
            }

            return await found.Task.ConfigureAwait(false);
        }
        finally
        {
            LineWritten -= Check;
        }
    }

    /// <summary>Kills the process tree if it still runs.</summary>
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
            // never started or already gone
        }

        _process.Dispose();
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        try
        {
            if (!_process.HasExited)
            {
                _process.Kill(entireProcessTree: true);
                using var wait = new CancellationTokenSource(TimeSpan.FromSeconds(5));
                await _process.WaitForExitAsync(wait.Token).ConfigureAwait(false);
            }
        }
        catch (Exception ex) when (ex is InvalidOperationException or OperationCanceledException)
        {
            // never started, already gone, or would not die within 5 s
        }

        _process.Dispose();
    }

    private void Append(StringBuilder target, string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (_gate)
        {
            target.AppendLine(line);
            _lines.Add(line);
        }

        LineWritten?.Invoke();
    }
}
