using Portable.Emulators.Processes;

namespace Portable.Emulators.Aws;

/// <summary>How to start a bootstrap with <see cref="LambdaFunctionProcess.Start"/>.</summary>
public sealed class LambdaFunctionProcessOptions
{
    /// <summary>The bootstrap: a native or self-contained executable, or a framework-dependent <c>.dll</c> run with <c>dotnet</c> (<see cref="ChildProcess.DotnetHost"/>).</summary>
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

    /// <summary>How many of the latest output lines are kept for <see cref="ChildProcess.OutputLines"/> and failure messages.</summary>
    public int MaxOutputLines { get; init; } = ChildProcessOptions.DefaultMaxOutputLines;
}
