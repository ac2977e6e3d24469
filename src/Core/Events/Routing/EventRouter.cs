using System.Text.Json;
using Portable.Core.Functions;

namespace Portable.Core.Events.Routing;

/// <summary>
/// Content-based routing over a manifest's event functions: given an event, the functions whose rules match it, in
/// declaration order. The same decision on every host — the local bus, a Portable router function where a cloud's
/// own filters are too weak (Eventarc matches attributes exactly), and the check each event function makes before it
/// runs.
/// </summary>
public sealed class EventRouter
{
    private readonly (FunctionDefinition Function, EventTrigger Trigger)[] _rules;

    /// <summary>Creates the router for the event functions of <paramref name="manifest"/>; each rule name must be used once.</summary>
    /// <exception cref="ArgumentException">Two functions declare the same rule name.</exception>
    public EventRouter(FunctionManifest manifest)
    {
        ArgumentNullException.ThrowIfNull(manifest);
        _rules = [.. manifest.FunctionsOf<EventTrigger>()];
        var seen = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var (function, trigger) in _rules)
        {
            if (!seen.TryAdd(trigger.Rule, function.Name))
            {
                throw new ArgumentException(
                    $"Rule '{trigger.Rule}' is declared by both '{seen[trigger.Rule]}' and '{function.Name}'; a rule is one EventBridge rule, Eventarc trigger or Event Grid subscription, so give each function its own.",
                    nameof(manifest));
            }
        }
    }

    /// <summary>The event functions and their rules, in declaration order.</summary>
    public IReadOnlyList<(FunctionDefinition Function, EventTrigger Trigger)> Rules => _rules;

    /// <summary>The functions whose rules match <paramref name="event"/>, in declaration order.</summary>
    public IReadOnlyList<FunctionDefinition> Route(PortableEvent @event)
    {
        ArgumentNullException.ThrowIfNull(@event);
        if (_rules.Length == 0)
        {
            return [];
        }

        using var envelope = JsonDocument.Parse(@event.ToEnvelopeUtf8());
        return Route(envelope.RootElement);
    }

    /// <summary>The functions whose rules match the EventBridge event <paramref name="envelope"/>, in declaration order.</summary>
    public IReadOnlyList<FunctionDefinition> Route(JsonElement envelope)
    {
        var matched = new List<FunctionDefinition>();
        foreach (var (function, trigger) in _rules)
        {
            if (trigger.Pattern.Matches(envelope))
            {
                matched.Add(function);
            }
        }

        return matched;
    }

    /// <summary>The names of the functions whose rules match <paramref name="event"/>, in declaration order.</summary>
    public IReadOnlyList<string> MatchingFunctions(PortableEvent @event) => [.. Route(@event).Select(function => function.Name)];
}
