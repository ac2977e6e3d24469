using System.Net;
using System.Net.Http.Json;
using Microsoft.Extensions.DependencyInjection;
using Portable.Azure.Worker;
using Portable.Core.State;
using Portable.Emulators.Azure.Isolated;
using Portable.Engines;
using Portable.TestKit;
using Portable.Core.Patterns;

namespace Portable.Azure.Tests.State;

/// <summary>With a storage account configured the worker keeps its state in Table Storage, so instances share it.</summary>
public sealed class TableStoreWiringTests(AzuriteFixture azurite) : IClassFixture<AzuriteFixture>
{
    private Task<IsolatedFunctionsHost> StartAsync(string table) => IsolatedFunctionsHost.StartAsync(new IsolatedFunctionsHostOptions
    {
        AppDirectory = Path.GetDirectoryName(RepoPaths.BuildOutput("src/Azure", "worker.config.json"))!,
        Environment = new Dictionary<string, string> { ["AzureWebJobsStorage"] = azurite.ConnectionString, ["PORTABLE_TABLES_TABLE"] = table },
    });

    [Fact]
    public async Task TwoWorkerInstances_SameStorageAccount_SeeEachOthersItems()
    {
        var table = $"wiring{Guid.NewGuid():N}"[..20];
        await using var first = await StartAsync(table);
        await using var second = await StartAsync(table);
        using var one = first.CreateClient();
        using var two = second.CreateClient();

        var created = await one.PostAsJsonAsync("/items", new { name = "shared", price = 2.5 });
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var fetched = await two.GetAsync(created.Headers.Location);

        Assert.Equal(HttpStatusCode.OK, fetched.StatusCode);
        Assert.Contains("\"shared\"", await fetched.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task NoStorageAccount_InMemoryStore()
    {
        Assert.True(string.IsNullOrEmpty(Environment.GetEnvironmentVariable("AzureWebJobsStorage")), "this test process must not have AzureWebJobsStorage set");
        using var host = await IsolatedWorkerHost.BuildAsync(PatternsApp.App, []);
        Assert.IsType<InMemoryStateStore>(host.Services.GetRequiredService<IStateStore>());
    }
}
