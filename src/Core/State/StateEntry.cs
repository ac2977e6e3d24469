namespace Portable.Core.State;

/// <summary>One stored document with its opaque version tag.</summary>
public sealed record StateEntry(string Key, ReadOnlyMemory<byte> Value, string ETag, DateTimeOffset? ExpiresAt);
