using Portable.Emulators.Processes;
using Portable.Engines;

namespace Portable.Deploy.Tests.StepFunctions;

/// <summary>npm <c>asl-validator</c>'s command line on Node 22: the JSON schemas of the Amazon States Language, JSONPath and intrinsic function syntax, ARNs, and every state reachable.</summary>
public static class AslValidator
{
    /// <summary>Validates <paramref name="definition"/>; returns whether it is valid and what the validator printed.</summary>
    public static async Task<(bool IsValid, string Output)> ValidateAsync(string definition)
    {
        var file = Path.Combine(Path.GetTempPath(), $"portable-asl-{Guid.NewGuid():N}.asl.json");
        await File.WriteAllTextAsync(file, definition);
        try
        {
            await using var node = ChildProcess.Start(new ChildProcessOptions
            {
                Name = "asl-validator",
                FileName = StateMachineRunner.Node,
                Arguments = [NodeEngines.Script("asl-validator", "dist/bin/asl-validator.js"), "--json-path", file],
            });
            var code = await node.WaitForExitAsync(TimeSpan.FromSeconds(60));
            Assert.True(code is 0 or 1, $"asl-validator failed to run (exit code {code}):\n{node.Output}");
            return (code == 0, node.Output);
        }
        finally
        {
            File.Delete(file);
        }
    }
}
