using Portable.Core.Functions;

namespace Portable.Deploy;

/// <summary>
/// <c>portable deploy [--out DIR]</c>: writes every deployment file of the app (<see cref="DeployGenerator"/>) under
/// DIR (default <c>deploy</c> in the current folder), one line per file written.
/// </summary>
public static class DeployCommand
{
    /// <summary>The command's usage lines.</summary>
    public const string Usage = """
          deploy     write the deployment files of every cloud, generated from the manifest
                     --out DIR  under DIR (default ./deploy: run it from the repository root to update the committed files)
        """;

    /// <summary>Runs the command; returns the process exit code (0 written, 2 bad arguments).</summary>
    public static int Run(IReadOnlyList<string> args, FunctionManifest manifest, DeploymentOptions options, TextWriter output, TextWriter error)
    {
        ArgumentNullException.ThrowIfNull(args);
        ArgumentNullException.ThrowIfNull(output);
        ArgumentNullException.ThrowIfNull(error);
        var folder = "deploy";
        for (var i = 0; i < args.Count; i++)
        {
            if (args[i] == "--out" && i + 1 < args.Count)
            {
                folder = args[++i];
            }
            else
            {
                error.WriteLine($"portable deploy: unexpected argument '{args[i]}'.");
                error.WriteLine(Usage);
                return 2;
            }
        }

        var files = DeployGenerator.Generate(manifest, options);
        foreach (var path in DeployGenerator.Write(files, folder))
        {
            output.WriteLine(path);
        }

        return 0;
    }
}
