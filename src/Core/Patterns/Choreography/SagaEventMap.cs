using Portable.Core.Sagas;

namespace Portable.Core.Patterns.Choreography;

/// <summary>
/// The event vocabulary of a saga run as a choreography: the event each handler reacts to (its trigger), the fact each
/// handler publishes when it ends (one for success, one for failure), and the fact published when the saga ends. A
/// forward step's trigger is normally the previous step's success (<c>inventory.reserved</c> starts
/// <c>charge-payment</c>); a compensation's trigger is a request (<c>inventory.release-requested</c>), since more than one
/// thing can call for it (a declined payment, a refund, the reconciler).
/// </summary>
public sealed class SagaEventMap
{
    private readonly Dictionary<string, string> _triggers;
    private readonly Dictionary<string, (string Succeeded, string Failed)> _outcomes;
    private readonly Dictionary<SagaStatus, string> _finished;

    /// <summary>Creates the map, checking it covers every handler of <paramref name="definition"/> with one trigger of its own.</summary>
    /// <param name="definition">The saga.</param>
    /// <param name="source">The events' source (EventBridge <c>source</c>, CloudEvents <c>source</c>).</param>
    /// <param name="idField">The field of each event's detail holding the saga id.</param>
    /// <param name="triggers">The event type each handler reacts to.</param>
    /// <param name="outcomes">The event types each handler publishes when it succeeds and when it fails.</param>
    /// <param name="finished">The event type published when the saga ends completed, compensated or failed.</param>
    /// <exception cref="ArgumentException">A handler has no trigger or no outcome, two handlers share a trigger, or a terminal status has no event.</exception>
    public SagaEventMap(
        SagaDefinition definition,
        string source,
        string idField,
        IReadOnlyDictionary<string, string> triggers,
        IReadOnlyDictionary<string, (string Succeeded, string Failed)> outcomes,
        IReadOnlyDictionary<SagaStatus, string> finished)
    {
        ArgumentNullException.ThrowIfNull(definition);
        ArgumentException.ThrowIfNullOrWhiteSpace(source);
        ArgumentException.ThrowIfNullOrWhiteSpace(idField);
        ArgumentNullException.ThrowIfNull(triggers);
        ArgumentNullException.ThrowIfNull(outcomes);
        ArgumentNullException.ThrowIfNull(finished);
        var missing = definition.HandlerNames.Where(h => !triggers.ContainsKey(h) || !outcomes.ContainsKey(h)).ToArray();
        if (missing.Length > 0)
        {
            throw new ArgumentException($"Saga '{definition.Name}': no trigger or outcome events for {string.Join(", ", missing)}.", nameof(triggers));
        }

        var shared = triggers.GroupBy(p => p.Value, StringComparer.Ordinal).FirstOrDefault(g => g.Count() > 1);
        if (shared is not null)
        {
            throw new ArgumentException($"Saga '{definition.Name}': '{shared.Key}' triggers both {string.Join(" and ", shared.Select(p => p.Key))}; each handler needs its own event.", nameof(triggers));
        }

        foreach (var status in (SagaStatus[])[SagaStatus.Completed, SagaStatus.Compensated, SagaStatus.Failed])
        {
            if (!finished.ContainsKey(status))
            {
                throw new ArgumentException($"Saga '{definition.Name}': no event for a saga ending {status.ToString().ToLowerInvariant()}.", nameof(finished));
            }
        }

        Definition = definition;
        Source = source;
        IdField = idField;
        _triggers = new Dictionary<string, string>(triggers, StringComparer.Ordinal);
        _outcomes = new Dictionary<string, (string, string)>(outcomes, StringComparer.Ordinal);
        _finished = new Dictionary<SagaStatus, string>(finished);
    }

    /// <summary>The saga.</summary>
    public SagaDefinition Definition { get; }

    /// <summary>The events' source.</summary>
    public string Source { get; }

    /// <summary>The field of each event's detail holding the saga id.</summary>
    public string IdField { get; }

    /// <summary>The event type <paramref name="handler"/> reacts to.</summary>
    public string TriggerOf(string handler) => _triggers[handler];

    /// <summary>The event type <paramref name="handler"/> publishes when it ends with <paramref name="outcome"/>.</summary>
    public string OutcomeOf(string handler, SagaStepOutcome outcome) =>
        outcome == SagaStepOutcome.Succeeded ? _outcomes[handler].Succeeded : _outcomes[handler].Failed;

    /// <summary>The event type published when the saga ends with <paramref name="status"/> (a terminal status).</summary>
    public string FinishedWith(SagaStatus status) => _finished[status];

    /// <summary>
    /// The EventBridge event pattern of <paramref name="handler"/>'s rule: its trigger from <see cref="Source"/>, with
    /// the saga id present in the detail, such as
    /// <c>{"source":["portable.orders"],"detail-type":["inventory.reserved"],"detail":{"orderId":[{"exists":true}]}}</c>.
    /// </summary>
    public string PatternOf(string handler) =>
        $$$"""{"source":["{{{Source}}}"],"detail-type":["{{{TriggerOf(handler)}}}"],"detail":{"{{{IdField}}}":[{"exists":true}]}}""";
}
