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
}
