using Portable.Compare.Hosts;

namespace Portable.Compare.Engines;

/// <summary>Finds the npm-installed engines (pinned in the repository's package.json) and the node executable.</summary>
public static class NodeEngines
{
    /// <summary>The node_modules folder beside Portable.sln.</summary>
    public static string NodeModules => Path.Combine(RepositoryLayout.Root, "node_modules");

    /// <summary>The full path of <paramref name="relativePath"/> inside the npm package <paramref name="package"/>.</summary>
    /// <exception cref="InvalidOperationException">The package is not installed (<c>npm ci</c> has not run).</exception>
    public static string Script(string package, string relativePath)
    {
        var path = Path.Combine(NodeModules, package, relativePath);
        return File.Exists(path)
            ? path
            : throw new InvalidOperationException($"{package} not installed (no {path}): run `npm ci` in the repository root ({RepositoryLayout.Root}).");
    }
}
