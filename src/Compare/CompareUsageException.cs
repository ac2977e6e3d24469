namespace Portable.Compare;

/// <summary>A <c>portable compare</c> command line or targets file that cannot be run; the message says what to change.</summary>
public sealed class CompareUsageException : Exception
{
    /// <summary>Creates the exception.</summary>
    public CompareUsageException()
    {
    }

    /// <summary>Creates the exception with its message.</summary>
    /// <param name="message">What is wrong.</param>
    public CompareUsageException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with its message and cause.</summary>
    /// <param name="message">What is wrong.</param>
    /// <param name="innerException">The cause.</param>
    public CompareUsageException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
