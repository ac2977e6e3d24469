namespace Portable.Emulators.Gcp;

/// <summary>A message as the emulator stored it.</summary>
/// <param name="MessageId">The server-assigned id (numeric, as Pub/Sub's are).</param>
/// <param name="Data">The payload bytes.</param>
/// <param name="Attributes">The attributes.</param>
/// <param name="OrderingKey">The ordering key, if any.</param>
/// <param name="PublishTime">When the emulator received it.</param>
public sealed record PublishedMessage(string MessageId, byte[] Data, IReadOnlyDictionary<string, string> Attributes, string? OrderingKey, DateTimeOffset PublishTime);
