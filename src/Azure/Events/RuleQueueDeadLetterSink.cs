using Portable.Core.Messaging;

namespace Portable.Azure.Events;

/// <summary>
/// The dead-letter sink of event functions on Azure: Core's event invoker names the rule as the dead letter's source,
/// and this sends it on as coming from the rule's queue, so it lands in <c>events-{rule}-poison</c> — where the host
/// also puts an event whose retries ran out — and every event of a rule that did not get through is in one queue.
/// </summary>
internal sealed class RuleQueueDeadLetterSink(IDeadLetterSink inner) : IDeadLetterSink
{
    public ValueTask DeadLetterAsync(IncomingMessage message, string reason, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(message);
        return inner.DeadLetterAsync(message with { Source = EventQueues.OfRule(message.Source) }, reason, cancellationToken);
    }
}
