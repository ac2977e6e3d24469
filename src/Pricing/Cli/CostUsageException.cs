namespace Portable.Pricing.Cli;

/// <summary>A <c>portable cost</c> command line that cannot be run; the message names the flag, the value and what is accepted.</summary>
public sealed class CostUsageException : Exception
{
    /// <summary>An empty usage error.</summary>
    public CostUsageException()
    {
    }

    /// <summary>A usage error with <paramref name="message"/>.</summary>
    public CostUsageException(string message) : base(message)
    {
    }

    /// <summary>A usage error with <paramref name="message"/>, caused by <paramref name="innerException"/>.</summary>
    public CostUsageException(string message, Exception innerException) : base(message, innerException)
    {
    }
}
