namespace Portable.Core.Resilience;

/// <summary>A resilience pipeline's settings are invalid; the message names the pipeline and every bad field.</summary>
public sealed class ResilienceOptionsException : Exception
{
    /// <summary>Creates the exception for <paramref name="pipelineName"/> with its <paramref name="errors"/>.</summary>
    public ResilienceOptionsException(string pipelineName, IReadOnlyList<string> errors)
        : base($"Resilience pipeline '{pipelineName}' is misconfigured: {string.Join(" ", errors ?? [])}")
    {
        PipelineName = pipelineName;
        Errors = errors ?? [];
    }

    /// <summary>Needed by the analyzers; prefer the constructor that names the pipeline.</summary>
    public ResilienceOptionsException()
        : this("?", [])
    {
    }

    /// <summary>Needed by the analyzers; prefer the constructor that names the pipeline.</summary>
    public ResilienceOptionsException(string message)
        : base(message)
    {
        PipelineName = "?";
        Errors = [message];
    }

    /// <summary>Needed by the analyzers; prefer the constructor that names the pipeline.</summary>
    public ResilienceOptionsException(string message, Exception innerException)
        : base(message, innerException)
    {
        PipelineName = "?";
        Errors = [message];
    }

    /// <summary>The pipeline whose settings are wrong.</summary>
    public string PipelineName { get; }

    /// <summary>One message per bad field.</summary>
    public IReadOnlyList<string> Errors { get; }
}
