namespace Portable.Emulators.Azure.Isolated;

/// <summary>
/// The worker process could not be started, exited, crashed, broke the protocol or never connected in time; the
/// message ends with its exit code (when it had exited) and its last output lines.
/// </summary>
public sealed class WorkerProcessException : Exception
{
    /// <summary>Creates the exception; <paramref name="output"/> is appended to <paramref name="message"/>.</summary>
    public WorkerProcessException(string message, string output, int? exitCode = null, Exception? innerException = null)
        : base(Compose(message, output, exitCode), innerException)
    {
        Summary = message;
        Output = output;
        ExitCode = exitCode;
    }

    /// <summary>What went wrong, without the output.</summary>
    public string Summary { get; }

    /// <summary>The worker's last stdout and stderr lines.</summary>
    public string Output { get; }

    /// <summary>The worker's exit code, when it had exited.</summary>
    public int? ExitCode { get; }

    private static string Compose(string message, string output, int? exitCode)
    {
        var code = exitCode is null ? string.Empty : $" (exit code {exitCode})";
        var text = output.Length == 0 ? "(no output)" : $"Worker output:{System.Environment.NewLine}{output}";
        return $"{message}{code}{System.Environment.NewLine}{text}";
    }
}
