using System.Globalization;
using Portable.Emulators.Processes;

namespace Portable.Emulators.Aws;

/// <summary>
/// A bootstrap as Lambda runs a custom runtime: a <see cref="ChildProcess"/> with the environment Lambda gives it
/// (<c>AWS_LAMBDA_RUNTIME_API</c>, <c>_HANDLER</c>, <c>AWS_LAMBDA_FUNCTION_NAME</c>, <c>LAMBDA_TASK_ROOT</c>, …).
/// </summary>
public static class LambdaFunctionProcess
{
    /// <summary>Starts the bootstrap.</summary>
    /// <exception cref="FileNotFoundException">There is no bootstrap at <see cref="LambdaFunctionProcessOptions.BootstrapPath"/>.</exception>
    public static ChildProcess Start(LambdaFunctionProcessOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var bootstrap = Path.GetFullPath(options.BootstrapPath);
        if (!File.Exists(bootstrap))
        {
            throw new FileNotFoundException($"No bootstrap at {bootstrap}.", bootstrap);
        }

        var taskRoot = Path.GetDirectoryName(bootstrap)!;
        var name = options.FunctionName ?? options.Handler ?? "portable-function";
        var environment = new Dictionary<string, string?>(StringComparer.Ordinal)
        {
            ["_X_AMZN_TRACE_ID"] = null,
            ["AWS_LAMBDA_RUNTIME_API"] = options.RuntimeApi,
            ["_HANDLER"] = options.Handler,
            ["LAMBDA_TASK_ROOT"] = taskRoot,
            ["LAMBDA_RUNTIME_DIR"] = taskRoot,
            ["AWS_LAMBDA_FUNCTION_NAME"] = name,
            ["AWS_LAMBDA_FUNCTION_VERSION"] = "$LATEST",
            ["AWS_LAMBDA_FUNCTION_MEMORY_SIZE"] = options.MemorySizeMb.ToString(CultureInfo.InvariantCulture),
            ["AWS_LAMBDA_LOG_GROUP_NAME"] = "/aws/lambda/" + name,
            ["AWS_LAMBDA_LOG_STREAM_NAME"] = "local/[$LATEST]" + Guid.NewGuid().ToString("N"),
            ["AWS_LAMBDA_INITIALIZATION_TYPE"] = "on-demand",
            ["AWS_REGION"] = options.Region,
            ["AWS_DEFAULT_REGION"] = options.Region,
        };
        foreach (var (key, value) in options.Environment)
        {
            environment[key] = value;
        }

        return ChildProcess.Start(ChildProcessOptions.Program(bootstrap) with
        {
            Environment = environment,
            WorkingDirectory = options.WorkingDirectory ?? taskRoot,
            Name = $"The bootstrap ({name})",
            MaxOutputLines = options.MaxOutputLines,
        });
    }

    /// <summary>
    /// Waits until the bootstrap polls <c>/runtime/invocation/next</c> on <paramref name="runtimeApi"/> (its init is
    /// over), failing with its output when it exits first or takes longer than <paramref name="timeout"/>.
    /// </summary>
    /// <exception cref="ChildProcessException">The bootstrap exited first or did not poll in time.</exception>
    public static Task WaitUntilPollingAsync(this ChildProcess function, LambdaRuntimeApiEmulator runtimeApi, TimeSpan timeout, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(function);
        ArgumentNullException.ThrowIfNull(runtimeApi);
        return function.WaitUntilAsync("polling /runtime/invocation/next", runtimeApi.WaitForRuntimeAsync, timeout, cancellationToken);
    }
}
