using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Logging;
using Portable.Core.Patterns;

namespace Portable.Local.Tests;

public sealed class LocalHostTests : IDisposable
{
    private readonly string _dataDir = Directory.CreateTempSubdirectory("portable-localhost-").FullName;

    public void Dispose()
    {
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        Directory.Delete(_dataDir, recursive: true);
    }

    private async Task<WebApplication> StartAsync()
    {
        var app = LocalHost.Build(PatternsApp.App, new LocalHostOptions { Port = 0, DataDirectory = Path.Combine(_dataDir, "nested", "data") }, l => l.SetMinimumLevel(LogLevel.Warning));
        await app.StartAsync();
        return app;
    }

    [Fact]
    public async Task Build_MissingDataFolder_CreatesIt()
    {
        await using var app = await StartAsync();
        Assert.True(Directory.Exists(Path.Combine(_dataDir, "nested", "data")));
    }

    [Fact]
    public async Task ObjectStore_IsTheObjectsFolderOfTheDataFolder()
    {
        await using var app = await StartAsync();
        var store = Assert.IsType<Portable.Core.Storage.DirectoryObjectStore>(app.Services.GetService(typeof(Portable.Core.Storage.IObjectStore)));

        Assert.Equal(Path.Combine(_dataDir, "nested", "data", "objects"), store.Root);
    }

    [Fact]
    public async Task Restart_SameDataFolder_KeepsItems()
    {
        string location;
        await using (var first = await StartAsync())
        {
            using var client = new HttpClient { BaseAddress = first.BaseAddress() };
            var created = await client.PostAsJsonAsync("/items", new { name = "kept", price = 1 });
            location = created.Headers.Location!.ToString();
            await first.StopAsync();
        }

        await using var second = await StartAsync();
        using var again = new HttpClient { BaseAddress = second.BaseAddress() };
        var fetched = await again.GetAsync(location);
        Assert.Equal(HttpStatusCode.OK, fetched.StatusCode);
        Assert.Equal("kept", JsonDocument.Parse(await fetched.Content.ReadAsStringAsync()).RootElement.GetProperty("name").GetString());
    }

    [Fact]
    public async Task Post_TwoMegabyteBody_Returns413Json()
    {
        await using var app = await StartAsync();
        using var client = new HttpClient { BaseAddress = app.BaseAddress() };
        using var content = new ByteArrayContent(new byte[2 * 1024 * 1024]);
        content.Headers.ContentType = new("application/json");
        var response = await client.PostAsync("/items", content);
        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
        Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
    }
}
