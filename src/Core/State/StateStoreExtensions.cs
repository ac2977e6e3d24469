namespace Portable.Core.State;

/// <summary>Writes built from the port's single-item operations.</summary>
public static class StateStoreExtensions
{
    /// <summary>
    /// Inserts a document under a key the caller has just generated, and survives a lost answer: when the insert
    /// reports a conflict (a retry of a write that had landed, its first answer lost on the way back), the entry is
    /// read back, and if it holds exactly <paramref name="value"/> the write is this caller's own and counts as
    /// landed. Returns the entry's ETag, or null when another document holds the key.
    /// </summary>
    public static async ValueTask<string?> InsertOrConfirmAsync(this IStateStore store, string collection, string key, ReadOnlyMemory<byte> value, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(store);
        var written = await store.InsertAsync(collection, key, value, cancellationToken: cancellationToken).ConfigureAwait(false);
        if (written.Succeeded)
        {
            return written.ETag;
        }

        return await store.GetAsync(collection, key, cancellationToken).ConfigureAwait(false) is { } stored && stored.Value.Span.SequenceEqual(value.Span)
            ? stored.ETag
            : null;
    }
}
