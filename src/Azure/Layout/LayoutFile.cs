namespace Portable.Azure.Layout;

/// <summary>One generated file of a Functions script root, its path relative to the root with '/' separators.</summary>
/// <param name="RelativePath">For example <c>host.json</c> or <c>items-api/function.json</c>.</param>
/// <param name="Content">The file's text, '\n' line endings, ending with a newline.</param>
public sealed record LayoutFile(string RelativePath, string Content);
