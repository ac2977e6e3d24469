using Npgsql;
using Portable.Core.Settings;
using Portable.Core.State;
using Portable.Engines;
using Portable.Gcp.State;
using Portable.TestKit;

namespace Portable.Gcp.Tests.State;

/// <summary>The state-store contract against a throwaway PostgreSQL 15 cluster, plus schema and purge behaviour.</summary>
public sealed class PostgresStateStoreTests(PostgresFixture postgres) : StateStoreContract, IClassFixture<PostgresFixture>, IAsyncLifetime
{
    private readonly List<PostgresStateStore> _stores = [];

    protected override async Task<IStateStore> CreateStoreAsync(TimeProvider time)
    {
        var store = await TrackAsync(PostgresStateStore.Create(postgres.ConnectionString, time, "state_" + Guid.NewGuid().ToString("N")[..12]));
        await store.EnsureSchemaAsync();
        return store;
    }

    [Fact]
    public async Task EnsureSchema_ManyInstancesAtOnce_AllSucceedAndShareTheTable()
    {
        var stores = await Task.WhenAll(Enumerable.Range(0, 6).Select(_ => TrackAsync(PostgresStateStore.Create(postgres.ConnectionString, Time, "shared_schema"))));
        await Task.WhenAll(stores.Select(s => Task.Run(() => s.EnsureSchemaAsync())));
        await stores[0].PutAsync("c", "k", "v"u8.ToArray());
        Assert.NotNull(await stores[^1].GetAsync("c", "k"));
    }

    [Fact]
    public async Task EnsureSchema_CreatesTheDocumentedColumnsWithByteOrderKeys()
    {
        var store = await TrackAsync(PostgresStateStore.Create(postgres.ConnectionString, Time, "layout"));
        await store.EnsureSchemaAsync();

        await using var dataSource = NpgsqlDataSource.Create(postgres.ConnectionString);
        await using var command = dataSource.CreateCommand(
            "SELECT column_name, data_type, is_nullable, coalesce(collation_name, '') FROM information_schema.columns WHERE table_name = 'layout' ORDER BY ordinal_position");
        var columns = new List<string>();
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync())
        {
            columns.Add($"{reader.GetString(0)} {reader.GetString(1)} {reader.GetString(2)} {reader.GetString(3)}".TrimEnd());
        }

        Assert.Equal(
            [
                "collection text NO C",
                "key text NO C",
                "value bytea NO",
                "etag text NO",
                "expires_at timestamp with time zone YES",
            ],
            columns);
    }

    [Fact]
    public async Task PurgeExpired_DeletesOnlyRowsPastTheirDeadline()
    {
        var store = await TrackAsync(PostgresStateStore.Create(postgres.ConnectionString, Time, "purge"));
        await store.EnsureSchemaAsync();
        await store.PutAsync("c", "gone", "v"u8.ToArray(), Time.GetUtcNow().AddSeconds(5));
        await store.PutAsync("c", "later", "v"u8.ToArray(), Time.GetUtcNow().AddMinutes(5));
        await store.PutAsync("c", "forever", "v"u8.ToArray());
        Time.Advance(TimeSpan.FromSeconds(5));

        Assert.Equal(1, await store.PurgeExpiredAsync());
        Assert.Equal(["forever", "later"], (await store.ListAsync("c", 10)).Entries.Select(e => e.Key));
        Assert.Equal(0, await store.PurgeExpiredAsync());
    }

    [Theory]
    [InlineData("Upper")]
    [InlineData("state; DROP TABLE x")]
    [InlineData("1state")]
    [InlineData("")]
    public void Create_TableNameNotAPlainIdentifier_Throws(string tableName) =>
        Assert.Throws<ArgumentException>(() => PostgresStateStore.Create(postgres.ConnectionString, Time, tableName));

    [Fact]
    public void Options_From_ReadsConnectionAndTable()
    {
        var options = PostgresStateStoreOptions.From(Env(
            (PostgresStateStoreOptions.ConnectionVariable, "Host=/cloudsql/p:r:i;Database=app"),
            (PostgresStateStoreOptions.TableVariable, "app_state")));
        Assert.Equal(new PostgresStateStoreOptions("Host=/cloudsql/p:r:i;Database=app", "app_state"), options);
        Assert.Equal(PostgresStateStore.DefaultTableName, PostgresStateStoreOptions.From(Env((PostgresStateStoreOptions.ConnectionVariable, "Host=h")))!.TableName);
    }

    [Fact]
    public void Options_From_NeitherVariable_IsNullForTheInMemoryStore() =>
        Assert.Null(PostgresStateStoreOptions.From(Env()));

    [Fact]
    public void Options_From_TableWithoutConnection_ThrowsRatherThanIgnoringTheTable()
    {
        var e = Assert.Throws<SettingsException>(() => PostgresStateStoreOptions.From(Env((PostgresStateStoreOptions.TableVariable, "app_state"))));
        Assert.Contains(PostgresStateStoreOptions.ConnectionVariable, e.Message, StringComparison.Ordinal);
        Assert.Contains(PostgresStateStoreOptions.TableVariable, e.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("Upper")]
    [InlineData("state; DROP TABLE x")]
    [InlineData("1state")]
    public void Options_From_TableNotAPlainIdentifier_ThrowsNamingTheValue(string table)
    {
        var e = Assert.Throws<SettingsException>(() => PostgresStateStoreOptions.From(Env((PostgresStateStoreOptions.ConnectionVariable, "Host=h"), (PostgresStateStoreOptions.TableVariable, table))));
        Assert.Equal((PostgresStateStoreOptions.TableVariable, table), (e.Variable, e.Value));
        Assert.Contains("lower-case SQL identifier", e.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("Host=h;Password=secret-1;Colour=blue")]
    [InlineData("Database=app;Password=secret-1")]
    [InlineData("Host=h;Port=eighty;Password=secret-1")]
    public void Options_From_UnusableConnectionString_ThrowsWithoutEchoingIt(string connection)
    {
        var e = Assert.Throws<SettingsException>(() => PostgresStateStoreOptions.From(Env((PostgresStateStoreOptions.ConnectionVariable, connection))));
        Assert.StartsWith(PostgresStateStoreOptions.ConnectionVariable, e.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("secret-1", e.Message, StringComparison.Ordinal);
    }

    private static HostSettings Env(params (string Name, string Value)[] variables) =>
        new(name => variables.FirstOrDefault(v => v.Name == name).Value);

    [Fact]
    public async Task Create_FromOptions_CreatesTheSchemaAndWorks()
    {
        var store = await TrackAsync(await PostgresStateStoreOptions.CreateAsync(new PostgresStateStoreOptions(postgres.ConnectionString, "from_options"), Time));
        Assert.True((await store.InsertAsync("c", "k", "v"u8.ToArray())).Succeeded);
        Assert.False((await store.InsertAsync("c", "k", "w"u8.ToArray())).Succeeded);
    }

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        foreach (var store in _stores)
        {
            await store.DisposeAsync();
        }
    }

    private Task<PostgresStateStore> TrackAsync(PostgresStateStore store)
    {
        lock (_stores)
        {
            _stores.Add(store);
        }

        return Task.FromResult(store);
    }
}
