namespace Portable.Engines;

/// <summary>Finds the npm-installed engines (pinned in the repository's package.json) and the node executable.</summary>
public static class NodeEngines
{
    /// <summary>The node_modules folder beside Portable.sln.</summary>
    public static string NodeModules => Path.Combine(Portable.TestKit.RepoPaths.Root, "node_modules");

    /// <summary>The full path of <paramref name="relativePath"/> inside the npm package <paramref name="package"/>; fails clearly when it is not installed.</summary>
    public static string Script(string package, string relativePath)
    {
        var path = Path.Combine(NodeModules, package, relativePath);
        return File.Exists(path)
            ? path
            : throw new InvalidOperationException($"{package} not installed (no {path}): run `npm ci` in the repository root ({Portable.TestKit.RepoPaths.Root}).");
    }
}
