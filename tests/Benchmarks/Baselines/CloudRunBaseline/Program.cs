using System.Globalization;
using System.Net;

// The Cloud Run baseline: the smallest ASP.NET Core slim app on Kestrel that honours the container contract
// (0.0.0.0:$PORT) and answers GET /items with a fixed JSON page, with no Portable code.
var port = int.Parse(Environment.GetEnvironmentVariable("PORT") ?? "8080", NumberStyles.None, CultureInfo.InvariantCulture);
var page = """
    {"items":[{"id":"01JBASELINE00000000000000","name":"widget","price":9.5,"createdAt":"2026-01-01T00:00:00+00:00"}],"nextCursor":null}
    """u8.ToArray();

var builder = WebApplication.CreateSlimBuilder(args);

// What the ASP.NET Core templates' appsettings.json sets: without it, hosting logs two lines per request at
// Information, which neither a deployed app nor Portable.Gcp does.
builder.Logging.AddFilter("Microsoft.AspNetCore", LogLevel.Warning);
builder.WebHost.ConfigureKestrel(kestrel =>
{
    kestrel.Listen(IPAddress.Any, port);
    kestrel.AddServerHeader = false;
});

await using var app = builder.Build();
app.Run(context =>
{
    if (context.Request.Path != "/items")
    {
        context.Response.StatusCode = StatusCodes.Status404NotFound;
        return Task.CompletedTask;
    }

    context.Response.StatusCode = HttpMethods.IsPost(context.Request.Method) ? StatusCodes.Status201Created : StatusCodes.Status200OK;
    context.Response.ContentType = "application/json; charset=utf-8";
    context.Response.ContentLength = page.Length;
    return context.Response.Body.WriteAsync(page).AsTask();
});
await app.RunAsync();
