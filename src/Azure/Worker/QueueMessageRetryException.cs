namespace Portable.Azure.Worker;

/// <summary>
/// Thrown from a queue function's invocation when Portable settled its message as a transient failure: the failed
/// invocation is what tells the Functions host to leave the message on the queue, to be dequeued again after
/// <c>visibilityTimeout</c> and moved to <c>&lt;queue&gt;-poison</c> by the host after <c>maxDequeueCount</c> dequeues.
/// </summary>
public sealed class QueueMessageRetryException : Exception
{
    /// <summary>Creates the exception with the settlement's reason.</summary>
    public QueueMessageRetryException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with no reason.</summary>
    public QueueMessageRetryException()
    {
    }

    /// <summary>Creates the exception with a reason and its cause.</summary>
    public QueueMessageRetryException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
