namespace Portable.Deploy;

/// <summary>
/// One generated deployment file: its path relative to the repository's <c>deploy/</c> folder and its text. Every
/// generator returns these, so the <c>portable</c> command writes them and a drift test compares them with the
/// committed copies the same way.
/// </summary>
/// <param name="Path">The path under <c>deploy/</c>, with forward slashes (for example <c>aws/order-saga.asl.json</c>).</param>
/// <param name="Content">The file's text, ending with a newline.</param>
public sealed record DeployFile(string Path, string Content);
