namespace Portable.Engines;

/// <summary>Finds the npm-installed engines and the node executable: <see cref="Compare.Engines.NodeEngines"/>, under the tests' old name.</summary>
public static class NodeEngines
{
    /// <summary>The node_modules folder beside Portable.sln.</summary>
    public static string NodeModules => Compare.Engines.NodeEngines.NodeModules;

    /// <summary>The full path of <paramref name="relativePath"/> inside the npm package <paramref name="package"/>; fails clearly when it is not installed.</summary>
    public static string Script(string package, string relativePath) => Compare.Engines.NodeEngines.Script(package, relativePath);
}
