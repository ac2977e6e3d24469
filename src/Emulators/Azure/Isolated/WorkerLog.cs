using Microsoft.Extensions.Logging;

namespace Portable.Emulators.Azure.Isolated;

/// <summary>One log the worker sent the host (<c>RpcLog</c>).</summary>
/// <param name="InvocationId">The invocation it belongs to; null for the worker's own logs outside any invocation.</param>
/// <param name="Category">The logger's category, e.g. <c>Function.Echo.User</c> or a class name.</param>
/// <param name="Level">Its level.</param>
/// <param name="Message">The formatted message.</param>
/// <param name="EventId">The event id, when the logger gave one.</param>
/// <param name="IsSystem">True for the worker's own (System) logs, false for user and metric logs.</param>
/// <param name="ExceptionType">The logged exception's type, when the worker sends it (the 2.52 worker leaves it empty).</param>
/// <param name="ExceptionMessage">The logged exception as the worker sends it (the 2.52 worker: its <c>ToString()</c>, type, message and stack).</param>
public sealed record WorkerLog(
    string? InvocationId, string Category, LogLevel Level, string Message, string? EventId, bool IsSystem, string? ExceptionType, string? ExceptionMessage)
{
    /// <inheritdoc />
    public override string ToString() =>
        $"[{Level}] {Category}{(InvocationId is null ? string.Empty : $" ({InvocationId})")}: {Message}{(ExceptionType is null ? string.Empty : $" {ExceptionType}: {ExceptionMessage}")}";
}
