using Amazon.DynamoDBv2;
using Amazon.DynamoDBv2.Model;
using Amazon.Runtime;
using Portable.Aws.State;
using Portable.Core.Settings;
using Portable.Core.State;
using Portable.Engines;
using Portable.TestKit;

namespace Portable.Aws.Tests.State;

/// <summary>The state-store contract against dynalite, plus the table layout and TTL attribute the store documents.</summary>
public sealed class DynamoDbStateStoreTests(DynaliteFixture dynalite) : StateStoreContract, IClassFixture<DynaliteFixture>, IDisposable
{
    private readonly AmazonDynamoDBClient _client = new DynamoDbStateStoreOptions(ServiceUrl: dynalite.ServiceUrl).CreateClient(new BasicAWSCredentials("test", "test"));

    protected override async Task<IStateStore> CreateStoreAsync(TimeProvider time)
    {
        var store = new DynamoDbStateStore(_client, "state-" + Guid.NewGuid().ToString("N")[..12], time);
        await store.EnsureTableAsync();
        return store;
    }

    [Fact]
    public async Task EnsureTable_Twice_KeepsItemsAndCreatesTheDocumentedKeySchema()
    {
        var store = new DynamoDbStateStore(_client, "twice", Time);
        await store.EnsureTableAsync();
        await store.PutAsync("c", "k", "kept"u8.ToArray());
        await new DynamoDbStateStore(_client, "twice", Time).EnsureTableAsync();

        Assert.Equal("kept"u8.ToArray(), (await store.GetAsync("c", "k"))!.Value.ToArray());
        var table = (await _client.DescribeTableAsync("twice")).Table;
        Assert.Equal(
            [(DynamoDbStateStore.CollectionAttribute, "HASH"), (DynamoDbStateStore.KeyAttribute, "RANGE")],
            table.KeySchema.Select(k => (k.AttributeName, k.KeyType.Value)));
    }

    [Fact]
    public async Task Put_WithDeadline_WritesTtlInSecondsRoundedUp()
    {
        var store = new DynamoDbStateStore(_client, "ttl", Time);
        await store.EnsureTableAsync();
        var deadline = Time.GetUtcNow().AddSeconds(90).AddMilliseconds(1);
        await store.PutAsync("c", "k", "v"u8.ToArray(), deadline);

        var item = (await _client.GetItemAsync(new GetItemRequest
        {
            TableName = "ttl",
            Key = new() { ["collection"] = new() { S = "c" }, ["key"] = new() { S = "k" } },
            ConsistentRead = true,
        })).Item;
        Assert.Equal((deadline.ToUnixTimeSeconds() + 1).ToString(System.Globalization.CultureInfo.InvariantCulture), item[DynamoDbStateStore.TtlAttribute].N);
        Assert.Equal(deadline.ToUnixTimeMilliseconds().ToString(System.Globalization.CultureInfo.InvariantCulture), item[DynamoDbStateStore.ExpiresAtAttribute].N);
    }

    [Fact]
    public async Task List_PageOfExpiredItemsLargerThanLimit_StillFindsLiveItemsBeyond()
    {
        // DynamoDB's Limit counts items before the filter drops expired ones: the store must query on.
        var store = new DynamoDbStateStore(_client, "sparse", Time);
        await store.EnsureTableAsync();
        for (var i = 0; i < 20; i++)
        {
            await store.PutAsync("c", $"a{i:D2}", "x"u8.ToArray(), Time.GetUtcNow().AddSeconds(1));
        }

        await store.PutAsync("c", "b1", "live"u8.ToArray());
        await store.PutAsync("c", "b2", "live"u8.ToArray());
        Time.Advance(TimeSpan.FromSeconds(2));

        var page = await store.ListAsync("c", 1);
        Assert.Equal("b1", Assert.Single(page.Entries).Key);
        Assert.True(page.HasMore);
    }

    [Fact]
    public async Task Write_EmptyKey_IsRejectedBeforeTheService()
    {
        var store = new DynamoDbStateStore(_client, "unused", Time);
        await Assert.ThrowsAsync<ArgumentException>(async () => await store.PutAsync("c", string.Empty, "v"u8.ToArray()));
    }

    [Fact]
    public void Options_From_ReadsTableEndpointAndRegion()
    {
        var options = DynamoDbStateStoreOptions.From(Settings(name => name switch
        {
            DynamoDbStateStoreOptions.TableVariable => "Orders",
            DynamoDbStateStoreOptions.SdkEndpointVariable => "http://127.0.0.1:8000",
            "AWS_REGION" => "eu-west-1",
            _ => null,
        }));
        Assert.Equal(new DynamoDbStateStoreOptions("Orders", new Uri("http://127.0.0.1:8000"), "eu-west-1"), options);

        var overridden = DynamoDbStateStoreOptions.From(Settings(name => name switch
        {
            DynamoDbStateStoreOptions.EndpointVariable => "http://127.0.0.1:9000",
            DynamoDbStateStoreOptions.SdkEndpointVariable => "http://127.0.0.1:8000",
            _ => null,
        }));
        Assert.Equal(new Uri("http://127.0.0.1:9000"), overridden.ServiceUrl);
        Assert.Equal(DynamoDbStateStoreOptions.DefaultTableName, overridden.TableName);
        Assert.Null(overridden.Region);
    }

    [Fact]
    public void Options_From_RelativeEndpoint_ThrowsNamingTheVariableAndValue()
    {
        var e = Assert.Throws<SettingsException>(() => DynamoDbStateStoreOptions.From(Settings(name =>
            name == DynamoDbStateStoreOptions.EndpointVariable ? "localhost-8000" : null)));
        Assert.Equal(DynamoDbStateStoreOptions.EndpointVariable, e.Variable);
        Assert.Contains("'localhost-8000'", e.Message, StringComparison.Ordinal);
    }

    private static HostSettings Settings(Func<string, string?> read) => new(read);

    [Fact]
    public async Task Create_FromOptionsWithEndpointAndNoCredentials_ReachesDynalite()
    {
        var options = new DynamoDbStateStoreOptions("fromoptions", dynalite.ServiceUrl);
        var store = new DynamoDbStateStore(options.CreateClient(settings: Settings(_ => null)), options.TableName, Time);
        await store.EnsureTableAsync();
        Assert.True((await store.InsertAsync("c", "k", "v"u8.ToArray())).Succeeded);
        Assert.NotNull(await store.GetAsync("c", "k"));
    }

    public void Dispose() => _client.Dispose();
}
