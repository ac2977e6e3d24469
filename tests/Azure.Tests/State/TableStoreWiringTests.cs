using System.Net;
using System.Net.Http.Json;
using Microsoft.Extensions.DependencyInjection;
using Portable.Azure.Hosting;
using Portable.Core.State;
using Portable.Engines;
using Portable.Core.Patterns;

namespace Portable.Azure.Tests.State;

/// <summary>With a storage account configured the handler keeps its state in Table Storage, so instances share it.</summary>
public sealed class TableStoreWiringTests(AzuriteFixture azurite) : IClassFixture<AzuriteFixture>
{
    [Fact]
    public async Task TwoHandlerInstances_SameStorageAccount_SeeEachOthersItems()
    {
        var options = new CustomHandlerOptions { Port = 0, StorageConnection = azurite.ConnectionString };
        await using var first = await CustomHandlerHost.BuildAsync(PatternsApp.App, options, logging: _ => { });
        await using var second = await CustomHandlerHost.BuildAsync(PatternsApp.App, options, logging: _ => { });
        await first.StartAsync();
        await second.StartAsync();
        using var one = new HttpClient { BaseAddress = first.BaseAddress() };
        using var two = new HttpClient { BaseAddress = second.BaseAddress() };

        var created = await one.PostAsJsonAsync("/items", new { name = "shared", price = 2.5 });
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var fetched = await two.GetAsync(created.Headers.Location);

        Assert.Equal(HttpStatusCode.OK, fetched.StatusCode);
        Assert.Contains("\"shared\"", await fetched.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal("ResilientStateStore", first.Services.GetRequiredService<IStateStore>().GetType().Name);
    }

    [Fact]
    public async Task NoStorageAccount_InMemoryStore()
    {
        await using var app = await CustomHandlerHost.BuildAsync(PatternsApp.App, new CustomHandlerOptions { Port = 0 }, logging: _ => { });
        Assert.IsType<InMemoryStateStore>(app.Services.GetRequiredService<IStateStore>());
    }
}
