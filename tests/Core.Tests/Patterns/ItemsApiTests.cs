using System.Text.Json;
using Portable.Core.Http;
using Portable.Core.Patterns;
using Portable.Core.Patterns.Items;
using Portable.Core.Resilience;
using Portable.Testing;
using Portable.TestKit;

namespace Portable.Core.Tests.Patterns;

public sealed class ItemsApiTests : IDisposable
{
    private readonly FunctionTestHost _host = new(PatternsApp.App);

    public void Dispose() => _host.Dispose();

    private static JsonElement Json(PortableHttpResponse response) => JsonDocument.Parse(response.Body).RootElement;

    private async Task<JsonElement> CreateAsync(string name = "Widget", decimal price = 9.99m)
    {
        var response = await _host.SendAsync("POST", "/items", $$"""{"name":"{{name}}","price":{{price}}}""");
        Assert.Equal(201, response.StatusCode);
        return Json(response);
    }

    [Fact]
    public async Task Create_ValidItem_Returns201WithLocationAndETag()
    {
        var response = await _host.SendAsync("POST", "/items", """{"name":"Widget","price":9.99}""");
        Assert.Equal(201, response.StatusCode);
        var body = Json(response);
        var id = body.GetProperty("id").GetString();
        Assert.Equal(["Content-Type", "ETag", "Location"], response.Headers.Names.Order(StringComparer.Ordinal));
        Assert.Equal("application/json; charset=utf-8", response.Headers["Content-Type"]);
        Assert.Equal($"/items/{id}", response.Headers["Location"]);
        Assert.Matches("^\".+\"$", response.Headers["ETag"]);
        Assert.Equal("Widget", body.GetProperty("name").GetString());
        Assert.Equal(9.99m, body.GetProperty("price").GetDecimal());
        Assert.Equal(_host.Clock.GetUtcNow(), body.GetProperty("createdAt").GetDateTimeOffset());
    }

    [Fact]
    public async Task Create_InsertLandsButItsAnswerIsLost_TheRetryFindsItsOwnItemAndAnswers201()
    {
        AnswerLosingStateStore? losing = null;
        using var host = new FunctionTestHost(PatternsApp.App, o =>
            o.DecorateStore = s => new ResilientStateStore(losing = new AnswerLosingStateStore(s, (c, kind) => c == ItemsApi.Collection && kind == "insert"), AnswerLosingStateStore.RetryTransient));

        var response = await host.SendAsync("POST", "/items", """{"name":"Widget","price":9.99}""");

        Assert.Equal(1, losing!.Lost);
        Assert.Equal(201, response.StatusCode);
        var id = Json(response).GetProperty("id").GetString();
        var read = await host.SendAsync("GET", $"/items/{id}");
        Assert.Equal(200, read.StatusCode);
        Assert.Equal(response.Headers["ETag"], read.Headers["ETag"]);
    }

    [Theory]
    [InlineData("""{"price":1}""", "name", "is required")]
    [InlineData("""{"name":"","price":1}""", "name", "must be 1 to 200")]
    [InlineData("""{"name":"   ","price":1}""", "name", "not blank")]
    [InlineData("""{"name":5,"price":1}""", "name", "must be a string")]
    [InlineData("""{"name":"a"}""", "price", "is required")]
    [InlineData("""{"name":"a","price":"1"}""", "price", "must be a number")]
    [InlineData("""{"name":"a","price":-0.01}""", "price", "greater than or equal to 0")]
    [InlineData("""{"name":"a","price":1.001}""", "price", "at most 2 decimal places")]
    [InlineData("""{"name":"a","price":1e400}""", "price", "out of range")]
    public async Task Create_InvalidField_Returns400NamingField(string json, string field, string message)
    {
        var response = await _host.SendAsync("POST", "/items", json);
        Assert.Equal(400, response.StatusCode);
        Assert.Contains(message, Json(response).GetProperty("details").GetProperty(field).GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Create_BothFieldsInvalid_NamesEach()
    {
        var details = Json(await _host.SendAsync("POST", "/items", """{"name":"","price":-1}""")).GetProperty("details");
        Assert.True(details.TryGetProperty("name", out _));
        Assert.True(details.TryGetProperty("price", out _));
    }

    [Fact]
    public async Task Create_NameOf200Characters_IsAcceptedAnd201IsNot()
    {
        Assert.Equal(201, (await _host.SendAsync("POST", "/items", $$"""{"name":"{{new string('é', 200)}}","price":0}""")).StatusCode);
        Assert.Equal(400, (await _host.SendAsync("POST", "/items", $$"""{"name":"{{new string('x', 201)}}","price":0}""")).StatusCode);
    }

    [Theory]
    [InlineData("{\"name\":")]
    [InlineData("not json")]
    public async Task Create_MalformedJson_Returns400(string body)
    {
        var response = await _host.SendAsync("POST", "/items", body);
        Assert.Equal(400, response.StatusCode);
        Assert.Equal("The request body is not valid JSON.", Json(response).GetProperty("error").GetString());
    }

    [Fact]
    public async Task Create_JsonArray_Returns400()
    {
        var response = await _host.SendAsync("POST", "/items", "[]");
        Assert.Equal(400, response.StatusCode);
        Assert.True(Json(response).GetProperty("details").TryGetProperty("body", out _));
    }

    [Theory]
    [InlineData("text/plain")]
    [InlineData("application/x-www-form-urlencoded")]
    public async Task Create_NonJsonContentType_Returns415(string contentType)
    {
        var response = await _host.SendAsync("POST", "/items", """{"name":"a","price":1}""", ("Content-Type", contentType));
        Assert.Equal(415, response.StatusCode);
    }

    [Fact]
    public async Task Create_JsonWithCharset_IsAccepted() =>
        Assert.Equal(201, (await _host.SendAsync("POST", "/items", """{"name":"a","price":1}""", ("Content-Type", "application/json; charset=utf-8"))).StatusCode);

    [Fact]
    public async Task Get_Existing_Returns200WithSameETag()
    {
        var created = await _host.SendAsync("POST", "/items", """{"name":"a","price":1}""");
        var id = Json(created).GetProperty("id").GetString();
        var fetched = await _host.SendAsync("GET", $"/items/{id}");
        Assert.Equal(200, fetched.StatusCode);
        Assert.Equal(created.Headers["ETag"], fetched.Headers["ETag"]);
        Assert.Equal(created.Body.ToArray(), fetched.Body.ToArray());
    }

    [Fact]
    public async Task Get_Missing_Returns404() =>
        Assert.Equal(404, (await _host.SendAsync("GET", "/items/01M83VFSR93PF3JDXCD2A66DKV")).StatusCode);

    [Fact]
    public async Task List_PagesThroughEveryItemInCreationOrder()
    {
        var ids = new List<string>();
        for (var i = 0; i < 5; i++)
        {
            ids.Add((await CreateAsync($"item {i}")).GetProperty("id").GetString()!);
            _host.Clock.Advance(TimeSpan.FromMilliseconds(5));
        }

        var seen = new List<string>();
        string? cursor = null;
        do
        {
            var page = Json(await _host.SendAsync("GET", "/items?limit=2" + (cursor is null ? string.Empty : "&cursor=" + cursor)));
            seen.AddRange(page.GetProperty("items").EnumerateArray().Select(i => i.GetProperty("id").GetString()!));
            cursor = page.GetProperty("nextCursor").GetString();
        }
        while (cursor is not null);

        Assert.Equal(ids, seen);
    }

    [Fact]
    public async Task List_NoLimit_DefaultsTo20()
    {
        for (var i = 0; i < 21; i++)
        {
            await CreateAsync();
        }

        var page = Json(await _host.SendAsync("GET", "/items"));
        Assert.Equal(20, page.GetProperty("items").GetArrayLength());
        Assert.Equal(JsonValueKind.String, page.GetProperty("nextCursor").ValueKind);
    }

    [Fact]
    public async Task List_Empty_ReturnsNullCursor()
    {
        var page = Json(await _host.SendAsync("GET", "/items"));
        Assert.Equal(0, page.GetProperty("items").GetArrayLength());
        Assert.Equal(JsonValueKind.Null, page.GetProperty("nextCursor").ValueKind);
    }

    // ItemsApi reads its own stored shape in one pass of the reader and hands anything else to the serializer: either
    // way a stored document must come back exactly as the serializer reads it (or fail as it fails, with a 500).
    [Theory]
    [InlineData("""{"id":"k1","name":"Widget","price":9.99,"createdAt":"2026-01-01T00:00:00+00:00"}""")]
    [InlineData("""{"id":"k1","name":"W\u0069dget \"x\"","price":9.5,"createdAt":"2026-01-01T10:20:30.1234567+02:00"}""")]
    [InlineData("""{"createdAt":"2026-01-01T00:00:00Z","price":1.5e1,"name":"Widget","id":"k1"}""")]
    [InlineData("""{"id":"k1","name":"Widget","price":9.99,"createdAt":"2026-01-01T00:00:00+00:00","colour":"red"}""")]
    [InlineData("""{"id":"k1","name":"Widget","price":9.99}""")]
    [InlineData("""{"id":"k1","name":"first","name":"second","price":1,"createdAt":"2026-01-01T00:00:00+00:00"}""")]
    [InlineData("""{"id":"k1","name":null,"price":1,"createdAt":"2026-01-01T00:00:00+00:00"}""")]
    [InlineData("""{"id":"k1","name":"Widget","price":"9.99","createdAt":"2026-01-01T00:00:00+00:00"}""")]
    [InlineData("""{"id":"k1","name":"Widget","price":9.99,"createdAt":"yesterday"}""")]
    [InlineData("""{"id":"k1","name":"Widget","price":9.99,"createdAt":"2026-01-01T00:00:00+00:00"} """)]
    public async Task GetAndList_StoredDocument_ReadAsTheSerializerReadsIt(string stored)
    {
        string? expected;
        try
        {
            var item = JsonSerializer.Deserialize(stored, Portable.Core.Patterns.Items.ItemsJsonContext.Default.Item)!;
            expected = JsonSerializer.Serialize(item, Portable.Core.Patterns.Items.ItemsJsonContext.Default.Item);
        }
        catch (JsonException)
        {
            expected = null;
        }

        Assert.True((await _host.Store.InsertAsync("items", "k1", System.Text.Encoding.UTF8.GetBytes(stored))).Succeeded);
        var got = await _host.SendAsync("GET", "/items/k1");
        var listed = await _host.SendAsync("GET", "/items");
        if (expected is null)
        {
            Assert.Equal(500, got.StatusCode);
            Assert.Equal(500, listed.StatusCode);
            return;
        }

        // Same values, same number text (9.50 stays 9.50); the response's escaping of quotes is its own business.
        Assert.Equal(200, got.StatusCode);
        var want = JsonDocument.Parse(expected).RootElement;
        foreach (var actual in new[] { Json(got), Json(listed).GetProperty("items")[0] })
        {
            Assert.Equal(want.GetProperty("id").GetString(), actual.GetProperty("id").GetString());
            Assert.Equal(want.GetProperty("name").GetString(), actual.GetProperty("name").GetString());
            Assert.Equal(want.GetProperty("price").GetRawText(), actual.GetProperty("price").GetRawText());
            Assert.Equal(want.GetProperty("createdAt").GetString(), actual.GetProperty("createdAt").GetString());
        }
    }

    [Theory]
    [InlineData("limit=0", "limit")]
    [InlineData("limit=101", "limit")]
    [InlineData("limit=abc", "limit")]
    [InlineData("limit=-1", "limit")]
    [InlineData("cursor=bogus", "cursor")]
    public async Task List_BadQuery_Returns400NamingParameter(string query, string field)
    {
        var response = await _host.SendAsync("GET", "/items?" + query);
        Assert.Equal(400, response.StatusCode);
        Assert.True(Json(response).GetProperty("details").TryGetProperty(field, out _));
    }

    [Fact]
    public async Task Replace_CurrentETag_Returns200WithNewETag()
    {
        var created = await _host.SendAsync("POST", "/items", """{"name":"a","price":1}""");
        var id = Json(created).GetProperty("id").GetString();
        var replaced = await _host.SendAsync("PUT", $"/items/{id}", """{"name":"b","price":2}""", ("If-Match", created.Headers["ETag"]!));
        Assert.Equal(200, replaced.StatusCode);
        Assert.NotEqual(created.Headers["ETag"], replaced.Headers["ETag"]);
        Assert.Equal("b", Json(replaced).GetProperty("name").GetString());
        Assert.Equal(Json(created).GetProperty("createdAt").GetString(), Json(replaced).GetProperty("createdAt").GetString());
    }

    [Fact]
    public async Task Replace_StaleETag_Returns412AndKeepsItem()
    {
        var created = await _host.SendAsync("POST", "/items", """{"name":"a","price":1}""");
        var id = Json(created).GetProperty("id").GetString();
        await _host.SendAsync("PUT", $"/items/{id}", """{"name":"b","price":2}""");
        var stale = await _host.SendAsync("PUT", $"/items/{id}", """{"name":"c","price":3}""", ("If-Match", created.Headers["ETag"]!));
        Assert.Equal(412, stale.StatusCode);
        Assert.Equal("b", Json(await _host.SendAsync("GET", $"/items/{id}")).GetProperty("name").GetString());
    }

    [Fact]
    public async Task Replace_Missing_Returns404() =>
        Assert.Equal(404, (await _host.SendAsync("PUT", "/items/01M83VFSR93PF3JDXCD2A66DKV", """{"name":"a","price":1}""")).StatusCode);

    [Fact]
    public async Task Replace_InvalidBody_Returns400() =>
        Assert.Equal(400, (await _host.SendAsync("PUT", $"/items/{(await CreateAsync()).GetProperty("id").GetString()}", """{"name":"a"}""")).StatusCode);

    [Fact]
    public async Task Delete_Existing_Returns204ThenGetIs404()
    {
        var id = (await CreateAsync()).GetProperty("id").GetString();
        var deleted = await _host.SendAsync("DELETE", $"/items/{id}");
        Assert.Equal(204, deleted.StatusCode);
        Assert.True(deleted.Body.IsEmpty);
        Assert.Equal(404, (await _host.SendAsync("GET", $"/items/{id}")).StatusCode);
        Assert.Equal(404, (await _host.SendAsync("DELETE", $"/items/{id}")).StatusCode);
    }

    [Fact]
    public async Task Delete_StaleETag_Returns412()
    {
        var created = await _host.SendAsync("POST", "/items", """{"name":"a","price":1}""");
        var id = Json(created).GetProperty("id").GetString();
        await _host.SendAsync("PUT", $"/items/{id}", """{"name":"b","price":2}""");
        Assert.Equal(412, (await _host.SendAsync("DELETE", $"/items/{id}", null, ("If-Match", created.Headers["ETag"]!))).StatusCode);
    }
}
