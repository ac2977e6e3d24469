using Microsoft.Extensions.DependencyInjection;
using Portable.Core.Events.Routing;
using Portable.Core.Functions;

namespace Portable.Core.Events;

/// <summary>Declares event functions in the manifest: a routing rule (a name and an EventBridge event pattern) and its handler.</summary>
public static class EventManifestExtensions
{
    /// <summary>Declares a function for the events <paramref name="pattern"/> matches, handled by <typeparamref name="TFunction"/> from the host's services.</summary>
    /// <param name="builder">The manifest builder.</param>
    /// <param name="name">The function's name.</param>
    /// <param name="rule">The routing rule's name (see <see cref="EventTrigger.Rule"/>).</param>
    /// <param name="pattern">An EventBridge event pattern, such as <c>{"source": ["orders"], "detail-type": ["order.placed"]}</c>.</param>
    /// <param name="options">Its idempotency key, or idempotency off; null keeps the defaults (keyed by event id).</param>
    /// <exception cref="EventPatternException">The pattern is not one EventBridge accepts.</exception>
    public static FunctionManifestBuilder AddEventFunction<TFunction>(this FunctionManifestBuilder builder, string name, string rule, string pattern, EventTriggerOptions? options = null)
        where TFunction : IEventFunction =>
        builder.AddEventFunction<TFunction>(name, rule, EventPattern.Parse(pattern), options);

    /// <summary>Declares a function for the events <paramref name="pattern"/> matches, handled by <typeparamref name="TFunction"/> from the host's services.</summary>
    public static FunctionManifestBuilder AddEventFunction<TFunction>(this FunctionManifestBuilder builder, string name, string rule, EventPattern pattern, EventTriggerOptions? options = null)
        where TFunction : IEventFunction =>
        builder.AddEventFunction(name, rule, pattern, static services => services.GetRequiredService<TFunction>().HandleAsync, options);

    /// <summary>Declares a function for the events <paramref name="pattern"/> matches, with a handler delegate.</summary>
    /// <exception cref="EventPatternException">The pattern is not one EventBridge accepts.</exception>
    public static FunctionManifestBuilder AddEventFunction(this FunctionManifestBuilder builder, string name, string rule, string pattern, PortableEventHandler handler, EventTriggerOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(handler);
        return builder.AddEventFunction(name, rule, EventPattern.Parse(pattern), _ => handler, options);
    }

    /// <summary>Declares a function for the events <paramref name="pattern"/> matches, with a handler delegate.</summary>
    public static FunctionManifestBuilder AddEventFunction(this FunctionManifestBuilder builder, string name, string rule, EventPattern pattern, PortableEventHandler handler, EventTriggerOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(handler);
        return builder.AddEventFunction(name, rule, pattern, _ => handler, options);
    }

    /// <summary>Declares a function for the events <paramref name="pattern"/> matches, with a handler resolved once per host (from the services it needs).</summary>
    /// <exception cref="EventPatternException">The pattern is not one EventBridge accepts.</exception>
    public static FunctionManifestBuilder AddEventFunction(
        this FunctionManifestBuilder builder, string name, string rule, string pattern, Func<IServiceProvider, PortableEventHandler> bindHandler, EventTriggerOptions? options = null) =>
        builder.AddEventFunction(name, rule, EventPattern.Parse(pattern), bindHandler, options);

    /// <summary>Declares a function for the events <paramref name="pattern"/> matches, with a handler resolved once per host.</summary>
    public static FunctionManifestBuilder AddEventFunction(
        this FunctionManifestBuilder builder, string name, string rule, EventPattern pattern, Func<IServiceProvider, PortableEventHandler> bindHandler, EventTriggerOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentException.ThrowIfNullOrWhiteSpace(rule);
        ArgumentNullException.ThrowIfNull(pattern);
        ArgumentNullException.ThrowIfNull(bindHandler);
        // A name every cloud takes as it is: EventBridge rule names allow up to 64 of [.\-_A-Za-z0-9], Event Grid
        // subscription names 3-64 letters, digits and dashes, and Google resource ids lower-case letters, digits and
        // dashes starting with a letter (RFC 1035 labels, at most 63).
        if (rule.Length is < 3 or > 63 || rule[0] is not (>= 'a' and <= 'z') || !rule.All(c => c is (>= 'a' and <= 'z') or (>= '0' and <= '9') or '-') || rule[^1] == '-')
        {
            throw new ArgumentException(
                $"Rule name '{rule}' must be 3-63 lower-case letters, digits or dashes, starting with a letter and not ending with a dash (valid for EventBridge, Eventarc and Event Grid).",
                nameof(rule));
        }

        return builder.Add(new FunctionDefinition(name, new EventTrigger(rule, pattern, bindHandler) { Options = options ?? new EventTriggerOptions() }));
    }
}
