using Portable.Core.Messaging;

namespace Portable.Testing;

/// <summary>One message a <see cref="RecordingDeadLetterSink"/> received, with the reason it was dead-lettered.</summary>
/// <param name="Message">The message, as the function received it.</param>
/// <param name="Reason">Why it can never succeed (the handler's <c>DeadLetter</c> reason or a <c>PermanentFailureException</c> message).</param>
public sealed record DeadLetter(IncomingMessage Message, string Reason);
