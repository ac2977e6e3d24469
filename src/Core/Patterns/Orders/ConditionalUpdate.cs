using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using Portable.Core.Resilience;
using Portable.Core.State;

namespace Portable.Core.Patterns.Orders;

/// <summary>Read, change, write-if-unchanged, again on a lost race: one document changed atomically over the state-store port.</summary>
internal static class ConditionalUpdate
{
    // Enough for hundreds of writers racing on one document; past it the store is too contended and the step is retried.
    private const int MaxRounds = 1000;

    /// <summary>
    /// Applies <paramref name="change"/> to the current document (null when absent) until a write lands. The change
    /// returns null to write nothing. Returns the document written (or the current one when nothing was written).
    /// </summary>
    public static async ValueTask<T?> UpdateAsync<T>(IStateStore store, string collection, string key, JsonTypeInfo<T> typeInfo, Func<T?, T?> change, CancellationToken cancellationToken)
        where T : class
    {
        for (var round = 0; round < MaxRounds; round++)
        {
            var entry = await store.GetAsync(collection, key, cancellationToken).ConfigureAwait(false);
            var current = entry is null ? null : JsonSerializer.Deserialize(entry.Value.Span, typeInfo);
            var next = change(current);
            if (next is null)
            {
                return current;
            }

            var bytes = JsonSerializer.SerializeToUtf8Bytes(next, typeInfo);
            var written = entry is null
                ? await store.InsertAsync(collection, key, bytes, cancellationToken: cancellationToken).ConfigureAwait(false)
                : await store.ReplaceAsync(collection, key, bytes, entry.ETag, cancellationToken: cancellationToken).ConfigureAwait(false);
            if (written.Succeeded)
            {
                return next;
            }
        }

        throw new TransientException($"'{collection}/{key}' kept changing under {MaxRounds} conditional writes.");
    }
}
