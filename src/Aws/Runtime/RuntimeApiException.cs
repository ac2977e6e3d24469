namespace Portable.Aws.Runtime;

/// <summary>The Runtime API answered in a way the runtime cannot continue from; the process should exit non-zero.</summary>
public sealed class RuntimeApiException : Exception
{
    /// <summary>Creates the exception.</summary>
    public RuntimeApiException(int statusCode, string message)
        : base(message) => StatusCode = statusCode;

    /// <summary>Creates the exception.</summary>
    public RuntimeApiException()
    {
    }

    /// <summary>Creates the exception.</summary>
    public RuntimeApiException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception.</summary>
    public RuntimeApiException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    /// <summary>The HTTP status the Runtime API answered with.</summary>
    public int StatusCode { get; }
}
