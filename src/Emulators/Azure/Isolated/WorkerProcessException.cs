using Portable.Emulators.Processes;

namespace Portable.Emulators.Azure.Isolated;

/// <summary>
/// The worker process could not be started, exited, crashed, broke the protocol or never connected in time; the
/// message names the exit code (when it had exited) and ends with the worker's last output lines.
/// </summary>
public sealed class WorkerProcessException : ChildProcessException
{
    /// <summary>Creates the exception; <paramref name="output"/> is appended to <paramref name="message"/>.</summary>
    public WorkerProcessException(string message, string output, int? exitCode = null, Exception? innerException = null)
        : base(exitCode is null ? message : $"{message} (exit code {exitCode})", output, exitCode, innerException)
    {
    }
}
