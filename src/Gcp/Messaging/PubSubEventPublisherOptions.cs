using System.Text.RegularExpressions;
using Portable.Core.Settings;

namespace Portable.Gcp.Messaging;

/// <summary>Which Pub/Sub topic <see cref="PubSubEventPublisher"/> publishes the app's events to: the event bus every Eventarc trigger of the app listens on.</summary>
public sealed partial record PubSubEventPublisherOptions
{
    /// <summary>The topic when <see cref="TopicVariable"/> is unset.</summary>
    public const string DefaultTopic = "portable-events";

    /// <summary>The variable naming the topic: a topic id of the project, or a full <c>projects/P/topics/T</c>.</summary>
    public const string TopicVariable = "PORTABLE_EVENTS_TOPIC";

    /// <summary>The topic id (or full resource name) events are published to.</summary>
    public string Topic { get; init; } = DefaultTopic;

    /// <summary>Reads <see cref="TopicVariable"/>, <see cref="DefaultTopic"/> when unset.</summary>
    /// <exception cref="SettingsException">
    /// The value is not a topic id: 3-255 letters, digits and <c>-_.~+%</c>, starting with a letter, not starting with
    /// <c>goog</c> (Pub/Sub resource names, cloud.google.com/pubsub/docs/pubsub-basics#resource_names).
    /// </exception>
    public static PubSubEventPublisherOptions From(HostSettings settings)
    {
        ArgumentNullException.ThrowIfNull(settings);
        if (settings.Text(TopicVariable) is not { } topic)
        {
            return new PubSubEventPublisherOptions();
        }

        var id = FullName().Match(topic) is { Success: true } full ? full.Groups["topic"].Value : topic;
        return TopicId().IsMatch(id) && !id.StartsWith("goog", StringComparison.OrdinalIgnoreCase)
            ? new PubSubEventPublisherOptions { Topic = topic }
            : throw new SettingsException(TopicVariable, topic, "a Pub/Sub topic id (3-255 letters, digits and -_.~+%, starting with a letter, not with 'goog') or projects/PROJECT/topics/TOPIC");
    }

    [GeneratedRegex("^[A-Za-z][A-Za-z0-9\\-_.~+%]{2,254}$", RegexOptions.CultureInvariant)]
    private static partial Regex TopicId();

    [GeneratedRegex("^projects/[a-z][a-z0-9:.\\-]*/topics/(?<topic>[^/]+)$", RegexOptions.CultureInvariant)]
    private static partial Regex FullName();
}
