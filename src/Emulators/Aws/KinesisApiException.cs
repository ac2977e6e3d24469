namespace Portable.Emulators.Aws;

/// <summary>A Kinesis call the endpoint refused.</summary>
public sealed class KinesisApiException : Exception
{
    /// <summary>Creates the exception for <paramref name="operation"/>'s refusal.</summary>
    public KinesisApiException(string operation, int statusCode, string? errorType, string? errorMessage)
        : base($"Kinesis {operation} failed with {statusCode} {errorType}: {errorMessage}")
    {
        Operation = operation;
        StatusCode = statusCode;
        ErrorType = errorType;
    }

    /// <summary>Creates the exception with a message only.</summary>
    public KinesisApiException()
        : this("call", 0, null, null)
    {
    }

    /// <summary>Creates the exception with a message only.</summary>
    public KinesisApiException(string message)
        : base(message)
    {
        Operation = "call";
    }

    /// <summary>Creates the exception with a message and a cause.</summary>
    public KinesisApiException(string message, Exception innerException)
        : base(message, innerException)
    {
        Operation = "call";
    }

    /// <summary>The operation (<c>GetRecords</c>, …).</summary>
    public string Operation { get; }

    /// <summary>The HTTP status.</summary>
    public int StatusCode { get; }

    /// <summary>The service's <c>__type</c>, such as <c>ResourceNotFoundException</c>.</summary>
    public string? ErrorType { get; }
}
