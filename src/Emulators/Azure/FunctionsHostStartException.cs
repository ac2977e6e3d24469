namespace Portable.Emulators.Azure;

/// <summary>The handler process did not become ready; <see cref="HandlerOutput"/> holds what it printed.</summary>
public sealed class FunctionsHostStartException : Exception
{
    /// <summary>Creates the exception.</summary>
    public FunctionsHostStartException(string message, string handlerOutput, Exception? innerException = null)
        : base(handlerOutput.Length == 0 ? message : $"{message}{System.Environment.NewLine}Handler output:{System.Environment.NewLine}{handlerOutput}", innerException)
    {
        HandlerOutput = handlerOutput;
    }

    /// <summary>The handler's stdout and stderr up to the failure.</summary>
    public string HandlerOutput { get; }
}
