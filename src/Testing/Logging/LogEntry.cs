using Microsoft.Extensions.Logging;

namespace Portable.Testing;

/// <summary>One entry a <see cref="RecordingLoggerProvider"/> kept, with its structured values and the scopes it was written in.</summary>
/// <param name="Level">The entry's level.</param>
/// <param name="Category">The logger's category, e.g. <c>Portable.Functions.orders</c>.</param>
/// <param name="EventId">The event id (the <c>[LoggerMessage]</c> id, or 0).</param>
/// <param name="Message">The formatted message.</param>
/// <param name="Exception">The exception logged with it, if any.</param>
/// <param name="MessageTemplate">The template (<c>{OriginalFormat}</c>) the message was formatted from, when there is one.</param>
/// <param name="Values">The structured values of the message, by name (the template itself left out).</param>
/// <param name="ScopeValues">The structured values of every scope open when it was written, outer to inner (an inner value wins).</param>
public sealed record LogEntry(
    LogLevel Level,
    string Category,
    EventId EventId,
    string Message,
    Exception? Exception,
    string? MessageTemplate,
    IReadOnlyDictionary<string, object?> Values,
    IReadOnlyDictionary<string, object?> ScopeValues);
