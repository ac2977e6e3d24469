namespace Portable.Emulators.Processes;

/// <summary>
/// A child process could not be started, exited before it was ready, was not ready in time, or failed; the message
/// ends with what it printed.
/// </summary>
public class ChildProcessException : InvalidOperationException
{
    /// <summary>Creates the exception; <paramref name="output"/> is appended to <paramref name="message"/>.</summary>
    public ChildProcessException(string message, string output, int? exitCode = null, Exception? innerException = null)
        : base(output.Length == 0 ? $"{message}{System.Environment.NewLine}(no output)" : $"{message}{System.Environment.NewLine}Output:{System.Environment.NewLine}{output}", innerException)
    {
        Summary = message;
        Output = output;
        ExitCode = exitCode;
    }

    /// <summary>What went wrong, without the output.</summary>
    public string Summary { get; }

    /// <summary>The process's output up to the failure (the latest lines it kept).</summary>
    public string Output { get; }

    /// <summary>The exit code, when the process had exited.</summary>
    public int? ExitCode { get; }
}
