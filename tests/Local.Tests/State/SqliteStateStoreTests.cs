using Portable.Core.State;
using Portable.Local.State;
using Portable.TestKit;

namespace Portable.Local.Tests.State;

public sealed class SqliteStateStoreTests : StateStoreContract, IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("portable-sqlite-").FullName;

    protected override Task<IStateStore> CreateStoreAsync(TimeProvider time) =>
        Task.FromResult<IStateStore>(new SqliteStateStore(Path.Combine(_dir, "state.db"), time));

    [Fact]
    public async Task Reopen_SameFile_KeepsEntries()
    {
        var path = Path.Combine(_dir, "reopen.db");
        var first = new SqliteStateStore(path, Time);
        var written = await first.InsertAsync("c", "k", "kept"u8.ToArray());

        var second = new SqliteStateStore(path, Time);
        var entry = await second.GetAsync("c", "k");
        Assert.Equal(written.ETag, entry?.ETag);
    }

    public void Dispose()
    {
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        Directory.Delete(_dir, recursive: true);
    }
}
