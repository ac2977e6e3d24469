namespace Portable.Azure.Events;

/// <summary>
/// The Storage queues events travel through on Azure. Portable's publisher writes each event to
/// <see cref="RouterQueue"/>; the router function (<see cref="RouterFunctionName"/>, declared whenever the manifest has
/// event functions) matches it against every rule and forwards it to each matching rule's queue
/// <c>events-{rule}</c> (<see cref="OfRule"/>), where the rule's function takes it as a queue trigger. An Event Grid
/// subscription per rule (deploy/azure/event-grid.bicep) delivers to the same rule queues, so events from outside the
/// app arrive the same way.
/// </summary>
public static class EventQueues
{
    /// <summary>The queue Portable's event publisher writes to and the router function reads.</summary>
    public const string RouterQueue = "portable-events";

    /// <summary>The name of the router function the worker declares when the manifest has event functions.</summary>
    public const string RouterFunctionName = "portable-event-router";

    /// <summary>What a rule's queue name starts with.</summary>
    public const string RuleQueuePrefix = "events-";

    // Storage queue names are 3-63 lower-case letters, digits and dashes, with no two dashes in a row
    // (https://learn.microsoft.com/rest/api/storageservices/naming-queues-and-metadata); the host's poison queue adds "-poison".
    private const int MaxQueueNameLength = 63;
    private const string PoisonSuffix = "-poison";

    /// <summary>The longest rule name whose queue and poison queue (<c>events-{rule}-poison</c>) are valid Storage queue names.</summary>
    public const int MaxRuleLength = MaxQueueNameLength - 7 - 7;

    /// <summary>The queue of <paramref name="rule"/>: <c>events-{rule}</c>.</summary>
    /// <exception cref="ArgumentException">The queue or its poison queue would not be a valid Storage queue name.</exception>
    public static string OfRule(string rule)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(rule);
        if (rule.Length > MaxRuleLength || rule.Contains("--", StringComparison.Ordinal))
        {
            throw new ArgumentException(
                $"Rule '{rule}' cannot be served on Azure: its queue '{RuleQueuePrefix}{rule}' and poison queue '{RuleQueuePrefix}{rule}{PoisonSuffix}' must be valid Storage queue names (at most {MaxQueueNameLength} characters, no two dashes in a row), so a rule name has at most {MaxRuleLength} characters and no '--'.",
                nameof(rule));
        }

        return RuleQueuePrefix + rule;
    }

    /// <summary>The rule whose queue is <paramref name="queue"/>, or null when it is not a rule queue.</summary>
    public static string? RuleOf(string queue)
    {
        ArgumentNullException.ThrowIfNull(queue);
        return queue.StartsWith(RuleQueuePrefix, StringComparison.Ordinal) && queue.Length > RuleQueuePrefix.Length ? queue[RuleQueuePrefix.Length..] : null;
    }
}
