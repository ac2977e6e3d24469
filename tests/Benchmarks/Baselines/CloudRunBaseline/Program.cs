using System.Collections.Concurrent;
using System.Globalization;
using System.Net;
using System.Text.Json;
using System.Text.Json.Serialization;
using Microsoft.AspNetCore.Http.HttpResults;

// The Cloud Run baseline: a minimal ASP.NET Core API in the shape of the `webapiaot` template (slim builder,
// source-generated JSON, MapGet/MapPost with typed results over an in-memory collection), listening as the container
// contract asks (0.0.0.0:$PORT), with no Portable code. It serves the same two calls the benchmark makes of Portable:
// POST /items and GET /items?limit=N.
var port = int.Parse(Environment.GetEnvironmentVariable("PORT") ?? "8080", NumberStyles.None, CultureInfo.InvariantCulture);

var builder = WebApplication.CreateSlimBuilder(args);
builder.Services.ConfigureHttpJsonOptions(json => json.SerializerOptions.TypeInfoResolverChain.Insert(0, BaselineJson.Default));

// What the template's appsettings.json sets: without it, hosting logs two lines per request at Information, which
// neither a deployed app nor Portable.Gcp does.
builder.Logging.AddFilter("Microsoft.AspNetCore", LogLevel.Warning);
builder.WebHost.ConfigureKestrel(kestrel =>
{
    kestrel.Listen(IPAddress.Any, port);
    kestrel.AddServerHeader = false;
});

await using var app = builder.Build();
var items = new ConcurrentDictionary<string, Item>(StringComparer.Ordinal);

var api = app.MapGroup("/items");
api.MapGet("/", (int? limit) => TypedResults.Ok(new ItemPage([.. items.Values.OrderBy(i => i.Id, StringComparer.Ordinal).Take(Math.Clamp(limit ?? 20, 1, 100))], null)));
api.MapGet("/{id}", Results<Ok<Item>, NotFound> (string id) => items.TryGetValue(id, out var item) ? TypedResults.Ok(item) : TypedResults.NotFound());
api.MapPost("/", (NewItem item) =>
{
    var created = new Item(Guid.CreateVersion7().ToString("N"), item.Name, item.Price, TimeProvider.System.GetUtcNow());
    items[created.Id] = created;
    return TypedResults.Created($"/items/{created.Id}", created);
});
await app.RunAsync();

internal sealed record NewItem(string Name, decimal Price);

internal sealed record Item(string Id, string Name, decimal Price, DateTimeOffset CreatedAt);

internal sealed record ItemPage(Item[] Items, string? NextCursor);

[JsonSourceGenerationOptions(JsonSerializerDefaults.Web)]
[JsonSerializable(typeof(NewItem))]
[JsonSerializable(typeof(ItemPage))]
internal sealed partial class BaselineJson : JsonSerializerContext;
