using System.Text;
using Microsoft.Extensions.Time.Testing;
using Portable.Core.State;

namespace Portable.TestKit;

/// <summary>
/// The one contract every <see cref="IStateStore"/> engine must pass: get/put/delete, insert-if-absent,
/// replace-if-match, racing writers (exactly one wins), expiry and paging. Derive once per engine.
/// </summary>
public abstract class StateStoreContract
{
    /// <summary>The clock the store under test reads; tests move it instead of sleeping.</summary>
    protected FakeTimeProvider Time { get; } = new(new DateTimeOffset(2026, 11, 1, 12, 0, 0, TimeSpan.Zero));

    /// <summary>A fresh, empty store reading <paramref name="time"/>.</summary>
    protected abstract Task<IStateStore> CreateStoreAsync(TimeProvider time);

    private static byte[] Bytes(string s) => Encoding.UTF8.GetBytes(s);

    private static string Text(StateEntry e) => Encoding.UTF8.GetString(e.Value.Span);

    private string Collection { get; } = "c" + Guid.NewGuid().ToString("N")[..8];

    [Fact]
    public async Task Get_MissingKey_ReturnsNull()
    {
        var store = await CreateStoreAsync(Time);
        Assert.Null(await store.GetAsync(Collection, "missing"));
    }

    [Fact]
    public async Task Insert_AbsentKey_WritesValueAndETag()
    {
        var store = await CreateStoreAsync(Time);
        var written = await store.InsertAsync(Collection, "k", Bytes("v1"));
        Assert.True(written.Succeeded);
        var entry = await store.GetAsync(Collection, "k");
        Assert.NotNull(entry);
        Assert.Equal("v1", Text(entry));
        Assert.Equal(written.ETag, entry.ETag);
    }

    [Fact]
    public async Task Insert_ExistingKey_ConflictsAndKeepsValue()
    {
        var store = await CreateStoreAsync(Time);
        await store.InsertAsync(Collection, "k", Bytes("first"));
        var second = await store.InsertAsync(Collection, "k", Bytes("second"));
        Assert.False(second.Succeeded);
        Assert.Equal("first", Text((await store.GetAsync(Collection, "k"))!));
    }

    [Fact]
    public async Task Replace_MatchingETag_WritesWithNewETag()
    {
        var store = await CreateStoreAsync(Time);
        var first = await store.InsertAsync(Collection, "k", Bytes("v1"));
        var second = await store.ReplaceAsync(Collection, "k", Bytes("v2"), first.ETag!);
        Assert.True(second.Succeeded);
        Assert.NotEqual(first.ETag, second.ETag);
        Assert.Equal("v2", Text((await store.GetAsync(Collection, "k"))!));
    }

    [Fact]
    public async Task Replace_StaleETag_Conflicts()
    {
        var store = await CreateStoreAsync(Time);
        var first = await store.InsertAsync(Collection, "k", Bytes("v1"));
        await store.ReplaceAsync(Collection, "k", Bytes("v2"), first.ETag!);
        var stale = await store.ReplaceAsync(Collection, "k", Bytes("v3"), first.ETag!);
        Assert.False(stale.Succeeded);
        Assert.Equal("v2", Text((await store.GetAsync(Collection, "k"))!));
    }

    [Fact]
    public async Task Replace_MissingKey_Conflicts()
    {
        var store = await CreateStoreAsync(Time);
        Assert.False((await store.ReplaceAsync(Collection, "nope", Bytes("v"), "\"1\"")).Succeeded);
        Assert.Null(await store.GetAsync(Collection, "nope"));
    }

    [Fact]
    public async Task Put_ExistingKey_Overwrites()
    {
        var store = await CreateStoreAsync(Time);
        await store.PutAsync(Collection, "k", Bytes("v1"));
        var second = await store.PutAsync(Collection, "k", Bytes("v2"));
        Assert.True(second.Succeeded);
        Assert.Equal("v2", Text((await store.GetAsync(Collection, "k"))!));
    }

    [Fact]
    public async Task Delete_ExistingKey_RemovesIt()
    {
        var store = await CreateStoreAsync(Time);
        await store.InsertAsync(Collection, "k", Bytes("v"));
        Assert.True(await store.DeleteAsync(Collection, "k"));
        Assert.Null(await store.GetAsync(Collection, "k"));
        Assert.False(await store.DeleteAsync(Collection, "k"));
    }

    [Fact]
    public async Task Delete_StaleETag_KeepsEntry()
    {
        var store = await CreateStoreAsync(Time);
        var first = await store.InsertAsync(Collection, "k", Bytes("v1"));
        var second = await store.ReplaceAsync(Collection, "k", Bytes("v2"), first.ETag!);
        Assert.False(await store.DeleteAsync(Collection, "k", first.ETag));
        Assert.True(await store.DeleteAsync(Collection, "k", second.ETag));
    }

    [Fact]
    public async Task Insert_AfterDelete_GetsETagThatStaleWritersCannotMatch()
    {
        var store = await CreateStoreAsync(Time);
        var old = await store.InsertAsync(Collection, "k", Bytes("v1"));
        await store.DeleteAsync(Collection, "k");
        var fresh = await store.InsertAsync(Collection, "k", Bytes("v2"));
        Assert.NotEqual(old.ETag, fresh.ETag);
        Assert.False((await store.ReplaceAsync(Collection, "k", Bytes("v3"), old.ETag!)).Succeeded);
    }

    [Fact]
    public async Task Expiry_PastDeadline_ReadsAsAbsentAndCanBeReinserted()
    {
        var store = await CreateStoreAsync(Time);
        var first = await store.InsertAsync(Collection, "k", Bytes("v1"), Time.GetUtcNow().AddMinutes(1));
        Assert.NotNull(await store.GetAsync(Collection, "k"));

        Time.Advance(TimeSpan.FromMinutes(2));

        Assert.Null(await store.GetAsync(Collection, "k"));
        Assert.Empty((await store.ListAsync(Collection, 10)).Entries);
        Assert.False((await store.ReplaceAsync(Collection, "k", Bytes("v2"), first.ETag!)).Succeeded);
        Assert.False(await store.DeleteAsync(Collection, "k"));
        Assert.True((await store.InsertAsync(Collection, "k", Bytes("v3"))).Succeeded);
        Assert.Equal("v3", Text((await store.GetAsync(Collection, "k"))!));
    }

    [Fact]
    public async Task List_ManyKeys_PagesInOrdinalOrder()
    {
        var store = await CreateStoreAsync(Time);
        var keys = Enumerable.Range(0, 7).Select(i => $"key-{i:D2}").ToArray();
        foreach (var key in keys.Reverse())
        {
            await store.InsertAsync(Collection, key, Bytes(key));
        }

        var seen = new List<string>();
        string? after = null;
        var pages = 0;
        while (true)
        {
            var page = await store.ListAsync(Collection, 3, after);
            seen.AddRange(page.Entries.Select(e => e.Key));
            pages++;
            if (!page.HasMore)
            {
                break;
            }

            after = page.Entries[^1].Key;
        }

        Assert.Equal(keys, seen);
        Assert.Equal(3, pages);
    }

    [Fact]
    public async Task Collections_SameKey_AreIndependent()
    {
        var store = await CreateStoreAsync(Time);
        await store.InsertAsync(Collection, "k", Bytes("a"));
        Assert.True((await store.InsertAsync(Collection + "-other", "k", Bytes("b"))).Succeeded);
        Assert.Equal("a", Text((await store.GetAsync(Collection, "k"))!));
        Assert.Single((await store.ListAsync(Collection, 10)).Entries);
    }

    [Fact]
    public async Task Insert_RacingWriters_ExactlyOneWins()
    {
        var store = await CreateStoreAsync(Time);
        var results = await Task.WhenAll(Enumerable.Range(0, 16).Select(i =>
            Task.Run(async () => await store.InsertAsync(Collection, "race", Bytes($"writer-{i}")))));
        Assert.Equal(1, results.Count(r => r.Succeeded));
    }

    [Fact]
    public async Task Replace_RacingWritersWithSameETag_ExactlyOneWins()
    {
        var store = await CreateStoreAsync(Time);
        var first = await store.InsertAsync(Collection, "race", Bytes("v0"));
        var results = await Task.WhenAll(Enumerable.Range(0, 16).Select(i =>
            Task.Run(async () => await store.ReplaceAsync(Collection, "race", Bytes($"writer-{i}"), first.ETag!))));
        Assert.Equal(1, results.Count(r => r.Succeeded));
        var winner = Array.FindIndex(results, r => r.Succeeded);
        Assert.Equal($"writer-{winner}", Text((await store.GetAsync(Collection, "race"))!));
    }
    [Fact]
    public async Task Put_ReturnsETagThatReplaceAndDeleteAccept()
    {
        var store = await CreateStoreAsync(Time);
        var put = await store.PutAsync(Collection, "k", Bytes("v1"));
        Assert.True(put.Succeeded);
        Assert.Equal(put.ETag, (await store.GetAsync(Collection, "k"))!.ETag);
        var replaced = await store.ReplaceAsync(Collection, "k", Bytes("v2"), put.ETag!);
        Assert.True(replaced.Succeeded);
        Assert.True(await store.DeleteAsync(Collection, "k", replaced.ETag));
        Assert.Null(await store.GetAsync(Collection, "k"));
    }

    [Fact]
    public async Task Get_EntryWithDeadline_ReportsExpiresAt()
    {
        var store = await CreateStoreAsync(Time);
        var deadline = Time.GetUtcNow().AddMinutes(5);
        await store.InsertAsync(Collection, "k", Bytes("v"), deadline);
        var entry = await store.GetAsync(Collection, "k");
        Assert.Equal(deadline, entry!.ExpiresAt);
        Assert.Equal(deadline, Assert.Single((await store.ListAsync(Collection, 10)).Entries).ExpiresAt);
    }

    [Fact]
    public async Task Replace_WithoutDeadline_ClearsEarlierDeadline()
    {
        var store = await CreateStoreAsync(Time);
        var first = await store.InsertAsync(Collection, "k", Bytes("v1"), Time.GetUtcNow().AddMinutes(1));
        Assert.True((await store.ReplaceAsync(Collection, "k", Bytes("v2"), first.ETag!)).Succeeded);

        Time.Advance(TimeSpan.FromMinutes(2));

        var entry = await store.GetAsync(Collection, "k");
        Assert.NotNull(entry);
        Assert.Null(entry.ExpiresAt);
        Assert.Equal("v2", Text(entry));
    }

    [Fact]
    public async Task Put_OverExpiredEntry_WritesLiveEntry()
    {
        var store = await CreateStoreAsync(Time);
        await store.PutAsync(Collection, "k", Bytes("old"), Time.GetUtcNow().AddSeconds(1));
        Time.Advance(TimeSpan.FromSeconds(2));
        var put = await store.PutAsync(Collection, "k", Bytes("new"), Time.GetUtcNow().AddMinutes(1));
        Assert.True(put.Succeeded);
        Assert.Equal("new", Text((await store.GetAsync(Collection, "k"))!));
    }

    [Fact]
    public async Task Expiry_AtExactDeadline_ReadsAsAbsent()
    {
        var store = await CreateStoreAsync(Time);
        await store.InsertAsync(Collection, "k", Bytes("v"), Time.GetUtcNow().AddSeconds(30));
        Time.Advance(TimeSpan.FromSeconds(30) - TimeSpan.FromMilliseconds(1));
        Assert.NotNull(await store.GetAsync(Collection, "k"));
        Time.Advance(TimeSpan.FromMilliseconds(1));
        Assert.Null(await store.GetAsync(Collection, "k"));
    }

    [Fact]
    public async Task Keys_WithReservedCharacters_RoundTripAndListInOrdinalOrder()
    {
        var store = await CreateStoreAsync(Time);

        // Characters that cloud key syntaxes forbid or quote (Table Storage: / \ # ? and controls; OData and SQL: quotes),
        // the neighbours an escaping scheme could reorder them with, and non-ASCII text below the surrogate range.
        string[] keys =
        [
            "a", "a b", "a\tb", "a!b", "a\"b", "a#b", "a$b", "a%2Fb", "a'b", "a-", "a.b", "a/b", "a0", "a=b", "a>b", "a?b",
            "a@b", "aZ", "a[b", "a\\b", "a]b", "a~b", "a\u007Fb", "a\u009Fb", "a\u00A0b", "aé", "a中文", "A", "~", " ",
        ];
        foreach (var key in keys)
        {
            Assert.True((await store.InsertAsync(Collection, key, Bytes("v:" + key))).Succeeded, $"insert '{key}'");
        }

        foreach (var key in keys)
        {
            var entry = await store.GetAsync(Collection, key);
            Assert.True(entry is not null, $"get '{key}'");
            Assert.Equal(key, entry.Key);
            Assert.Equal("v:" + key, Text(entry));
        }

        var seen = new List<string>();
        string? after = null;
        do
        {
            var page = await store.ListAsync(Collection, 4, after);
            seen.AddRange(page.Entries.Select(e => e.Key));
            after = page.HasMore ? page.Entries[^1].Key : null;
        }
        while (after is not null);

        Assert.Equal(keys.Order(StringComparer.Ordinal), seen);
    }

    [Fact]
    public async Task Value_BinaryAndEmpty_RoundTrip()
    {
        var store = await CreateStoreAsync(Time);
        var binary = Enumerable.Range(0, 256).Select(i => (byte)i).ToArray();
        await store.PutAsync(Collection, "binary", binary);
        await store.PutAsync(Collection, "empty", ReadOnlyMemory<byte>.Empty);
        Assert.Equal(binary, (await store.GetAsync(Collection, "binary"))!.Value.ToArray());
        var empty = await store.GetAsync(Collection, "empty");
        Assert.NotNull(empty);
        Assert.True(empty.Value.IsEmpty);
    }

    [Fact]
    public async Task List_ExpiredEntriesAmongLiveOnes_AreSkippedAndDoNotCountTowardsMore()
    {
        var store = await CreateStoreAsync(Time);
        for (var i = 0; i < 10; i++)
        {
            DateTimeOffset? deadline = i % 2 == 1 || i >= 7 ? Time.GetUtcNow().AddSeconds(10) : null;
            await store.PutAsync(Collection, $"k{i}", Bytes($"v{i}"), deadline);
        }

        Time.Advance(TimeSpan.FromSeconds(11));

        var first = await store.ListAsync(Collection, 2);
        Assert.Equal(["k0", "k2"], first.Entries.Select(e => e.Key));
        Assert.True(first.HasMore);
        var second = await store.ListAsync(Collection, 2, "k2");
        Assert.Equal(["k4", "k6"], second.Entries.Select(e => e.Key));
        Assert.False(second.HasMore);
    }

    [Fact]
    public async Task List_AfterKeyNotStored_StartsAtNextKeyAndLastPageHasNoMore()
    {
        var store = await CreateStoreAsync(Time);
        foreach (var key in new[] { "b", "d", "f" })
        {
            await store.PutAsync(Collection, key, Bytes(key));
        }

        var page = await store.ListAsync(Collection, 2, "c");
        Assert.Equal(["d", "f"], page.Entries.Select(e => e.Key));
        Assert.False(page.HasMore);
        Assert.Empty((await store.ListAsync(Collection, 5, "f")).Entries);
        Assert.Empty((await store.ListAsync(Collection + "-empty", 5)).Entries);
    }

    [Fact]
    public async Task Delete_RacingWritersWithSameETag_ExactlyOneWins()
    {
        var store = await CreateStoreAsync(Time);
        var first = await store.InsertAsync(Collection, "race", Bytes("v0"));
        var results = await Task.WhenAll(Enumerable.Range(0, 16).Select(_ =>
            Task.Run(async () => await store.DeleteAsync(Collection, "race", first.ETag))));
        Assert.Equal(1, results.Count(deleted => deleted));
        Assert.Null(await store.GetAsync(Collection, "race"));
    }

    [Fact]
    public async Task Insert_RacingWritersOverExpiredEntry_ExactlyOneWins()
    {
        var store = await CreateStoreAsync(Time);
        await store.InsertAsync(Collection, "race", Bytes("stale"), Time.GetUtcNow().AddSeconds(1));
        Time.Advance(TimeSpan.FromSeconds(2));
        var results = await Task.WhenAll(Enumerable.Range(0, 16).Select(i =>
            Task.Run(async () => await store.InsertAsync(Collection, "race", Bytes($"writer-{i}")))));
        Assert.Equal(1, results.Count(r => r.Succeeded));
        var winner = Array.FindIndex(results, r => r.Succeeded);
        var entry = await store.GetAsync(Collection, "race");
        Assert.Equal($"writer-{winner}", Text(entry!));
        Assert.Equal(results[winner].ETag, entry!.ETag);
    }
}
