using Azure.Data.Tables;
using Portable.Azure.State;
using Portable.Core.State;
using Portable.Engines;
using Portable.TestKit;

namespace Portable.Azure.Tests.State;

/// <summary>The state-store contract against Azurite's Table service.</summary>
public sealed class TableStorageStateStoreTests(AzuriteFixture azurite) : StateStoreContract, IClassFixture<AzuriteFixture>
{
    protected override async Task<IStateStore> CreateStoreAsync(TimeProvider time)
    {
        var store = new TableStorageStateStore(new TableServiceClient(azurite.ConnectionString), time, "state" + Guid.NewGuid().ToString("N")[..12]);
        await store.EnsureCreatedAsync();
        return store;
    }

    [Fact]
    public async Task EnsureCreated_Twice_KeepsEntries()
    {
        var service = new TableServiceClient(azurite.ConnectionString);
        var store = new TableStorageStateStore(service, Time, "twice");
        await store.EnsureCreatedAsync();
        await store.PutAsync("c", "k", "kept"u8.ToArray());
        await new TableStorageStateStore(service, Time, "twice").EnsureCreatedAsync();
        Assert.Equal("kept"u8.ToArray(), (await store.GetAsync("c", "k"))!.Value.ToArray());
    }

    [Fact]
    public async Task Keys_AreStoredEscaped_AsTableStorageRequires()
    {
        var service = new TableServiceClient(azurite.ConnectionString);
        var store = new TableStorageStateStore(service, Time, "escaped");
        await store.EnsureCreatedAsync();
        await store.PutAsync("orders/2026", "a/b#c?d\\e", "v"u8.ToArray());

        var raw = await service.GetTableClient("escaped").QueryAsync<TableEntity>().ToListAsync();
        var entity = Assert.Single(raw);
        Assert.Equal(TableKey.Encode("orders/2026"), entity.PartitionKey);
        Assert.Equal(TableKey.Encode("a/b#c?d\\e"), entity.RowKey);
        Assert.DoesNotContain(entity.RowKey, c => c is '/' or '\\' or '#' or '?');
    }

    [Fact]
    public void Options_FromEnvironment_ReadsConnectionAndTable()
    {
        var options = TableStorageStateStoreOptions.FromEnvironment(name => name switch
        {
            TableStorageStateStoreOptions.ConnectionVariable => azurite.ConnectionString,
            TableStorageStateStoreOptions.TableVariable => "Custom",
            _ => null,
        });
        Assert.Equal(azurite.ConnectionString, options.ConnectionString);
        Assert.Equal("Custom", options.TableName);

        var defaults = TableStorageStateStoreOptions.FromEnvironment(name =>
            name == TableStorageStateStoreOptions.FallbackConnectionVariable ? "UseDevelopmentStorage=true" : null);
        Assert.Equal("UseDevelopmentStorage=true", defaults.ConnectionString);
        Assert.Equal(TableStorageStateStore.DefaultTableName, defaults.TableName);
    }

    [Fact]
    public void Options_FromEnvironment_WithoutConnection_FailsNamingTheVariable()
    {
        var e = Assert.Throws<InvalidOperationException>(() => TableStorageStateStoreOptions.FromEnvironment(_ => null));
        Assert.Contains(TableStorageStateStoreOptions.ConnectionVariable, e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Create_FromOptions_ReachesTheAccount()
    {
        var options = new TableStorageStateStoreOptions(azurite.ConnectionString, "fromoptions");
        var store = await TableStorageStateStoreOptions.CreateAsync(options, Time);
        Assert.True((await store.InsertAsync("c", "k", "v"u8.ToArray())).Succeeded);
        Assert.NotNull(await store.GetAsync("c", "k"));
    }
}
