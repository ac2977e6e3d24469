namespace Portable.Emulators.Gcp;

/// <summary>How <see cref="PubSubPushEmulator"/> puts a message on the wire.</summary>
public enum PushFormat
{
    /// <summary>A Pub/Sub push subscription's wrapped envelope, <c>{"message":{…},"subscription"}</c> (cloud.google.com/pubsub/docs/push).</summary>
    Wrapped,

    /// <summary>
    /// As an Eventarc Pub/Sub trigger delivers: the <c>google.cloud.pubsub.topic.v1.messagePublished</c> CloudEvent in
    /// binary content mode (cloud.google.com/eventarc/standard/docs/event-format) — <c>ce-id</c> = messageId,
    /// <c>ce-source</c> = <c>//pubsub.googleapis.com/projects/P/topics/T</c>, <c>ce-time</c> = publishTime — with the
    /// same envelope as the JSON body.
    /// </summary>
    EventarcBinary,
}
