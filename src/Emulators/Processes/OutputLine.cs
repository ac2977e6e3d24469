namespace Portable.Emulators.Processes;

/// <summary>One line a child process wrote, and to which stream.</summary>
/// <param name="IsError">True for stderr, false for stdout.</param>
/// <param name="Text">The line, without its line break.</param>
public sealed record OutputLine(bool IsError, string Text);
