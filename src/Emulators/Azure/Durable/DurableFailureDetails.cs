using Microsoft.DurableTask.Protobuf;

namespace Portable.Emulators.Azure.Durable;

/// <summary>A failure as Durable records it (<c>TaskFailureDetails</c>): the exception's type, message and stack, and its cause.</summary>
/// <param name="ErrorType">The exception's full type name, e.g. <c>System.InvalidOperationException</c>.</param>
/// <param name="ErrorMessage">The exception's message.</param>
/// <param name="StackTrace">The stack trace, when the worker sent one.</param>
/// <param name="InnerFailure">The inner exception's details, when there was one.</param>
/// <param name="IsNonRetriable">Whether the worker marked the failure as not worth retrying.</param>
public sealed record DurableFailureDetails(
    string ErrorType,
    string ErrorMessage,
    string? StackTrace = null,
    DurableFailureDetails? InnerFailure = null,
    bool IsNonRetriable = false)
{
    /// <summary>The record of a protobuf <c>TaskFailureDetails</c>; <see langword="null"/> for none.</summary>
    public static DurableFailureDetails? From(TaskFailureDetails? details) =>
        details is null
            ? null
            : new DurableFailureDetails(details.ErrorType, details.ErrorMessage, details.StackTrace, From(details.InnerFailure), details.IsNonRetriable);

    /// <summary>The protobuf <c>TaskFailureDetails</c> of this record, as the hub puts it in history and in instance state.</summary>
    public TaskFailureDetails ToProtobuf()
    {
        var details = new TaskFailureDetails { ErrorType = ErrorType, ErrorMessage = ErrorMessage, IsNonRetriable = IsNonRetriable };
        if (StackTrace is not null)
        {
            details.StackTrace = StackTrace;
        }

        if (InnerFailure is not null)
        {
            details.InnerFailure = InnerFailure.ToProtobuf();
        }

        return details;
    }
}
