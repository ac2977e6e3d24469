using System.Buffers.Text;
using System.Globalization;
using System.Text;
using System.Text.Json;
using Portable.Core.Functions;
using Portable.Core.Http;
using Portable.Core.State;

namespace Portable.Core.Patterns.Items;

/// <summary>
/// Pattern 1, the REST API backend: items CRUD over the state-store port, with validation, paging,
/// optimistic concurrency through <c>ETag</c>/<c>If-Match</c>, and the project's JSON error body.
/// <c>Idempotency-Key</c> on POST is handled by <see cref="Idempotency.HttpIdempotencyMiddleware"/>.
/// </summary>
public sealed class ItemsApi(IStateStore store, TimeProvider timeProvider)
{
    /// <summary>The function's name in the manifest.</summary>
    public const string FunctionName = "items-api";

    /// <summary>The state-store collection holding items.</summary>
    public const string Collection = "items";

    /// <summary>Page size when the caller gives no <c>limit</c>.</summary>
    public const int DefaultPageSize = 20;

    /// <summary>The largest <c>limit</c> accepted.</summary>
    public const int MaxPageSize = 100;

    /// <summary>Declares the routes of <c>items-api</c>.</summary>
    public static void MapRoutes(HttpRoutesBuilder routes)
    {
        ArgumentNullException.ThrowIfNull(routes);
        routes
            .Map<ItemsApi>("POST", "/items", static (api, request, _, ct) => api.CreateAsync(request, ct))
            .Map<ItemsApi>("GET", "/items", static (api, request, _, ct) => api.ListAsync(request, ct))
            .Map<ItemsApi>("GET", "/items/{id}", static (api, request, _, ct) => api.GetAsync(request, ct))
            .Map<ItemsApi>("PUT", "/items/{id}", static (api, request, _, ct) => api.ReplaceAsync(request, ct))
            .Map<ItemsApi>("DELETE", "/items/{id}", static (api, request, _, ct) => api.DeleteAsync(request, ct));
    }

    /// <summary><c>POST /items</c>: 201 with the item, <c>Location</c> and <c>ETag</c>.</summary>
    public async ValueTask<PortableHttpResponse> CreateAsync(PortableHttpRequest request, CancellationToken cancellationToken)
    {
        if (!TryReadInput(request, out var input, out var error))
        {
            return error;
        }

        var item = new Item(SortableId.New(timeProvider), input.Name, input.Price, timeProvider.GetUtcNow());
        var etag = await store.InsertOrConfirmAsync(Collection, item.Id, Serialize(item), cancellationToken).ConfigureAwait(false)
            ?? throw new InvalidOperationException($"Generated item id {item.Id} already exists.");
        return ItemResponse(201, item, etag, location: $"/items/{item.Id}");
    }

    /// <summary><c>GET /items/{id}</c>: 200 with <c>ETag</c>, or 404.</summary>
    public async ValueTask<PortableHttpResponse> GetAsync(PortableHttpRequest request, CancellationToken cancellationToken)
    {
        var id = request.RouteValues["id"];
        var entry = await store.GetAsync(Collection, id, cancellationToken).ConfigureAwait(false);
        return entry is null ? NotFound(id) : ItemResponse(200, Deserialize(entry), entry.ETag);
    }

    /// <summary><c>GET /items?limit=N&amp;cursor=C</c>: a page in creation order.</summary>
    public async ValueTask<PortableHttpResponse> ListAsync(PortableHttpRequest request, CancellationToken cancellationToken)
    {
        Dictionary<string, string>? errors = null; // made only for a bad query: a valid one allocates nothing here
        var limit = DefaultPageSize;
        if (request.Query["limit"] is { } limitText
            && (!int.TryParse(limitText, NumberStyles.None, CultureInfo.InvariantCulture, out limit) || limit is < 1 or > MaxPageSize))
        {
            (errors ??= new(StringComparer.Ordinal))["limit"] = $"must be a whole number from 1 to {MaxPageSize}";
        }

        string? after = null;
        if (request.Query["cursor"] is { } cursor && !TryDecodeCursor(cursor, out after))
        {
            (errors ??= new(StringComparer.Ordinal))["cursor"] = "is not a cursor this API returned";
        }

        if (errors is not null)
        {
            return PortableHttpResponse.Error(400, "The query is invalid.", errors);
        }

        var page = await store.ListAsync(Collection, limit, after, cancellationToken).ConfigureAwait(false);
        var items = new Item[page.Entries.Count];
        for (var i = 0; i < items.Length; i++)
        {
            items[i] = Deserialize(page.Entries[i]);
        }

        var next = page.HasMore && items.Length > 0 ? EncodeCursor(items[^1].Id) : null;
        return PortableHttpResponse.Json(200, new ItemPage(items, next), ItemPageJsonContext.Default.ItemPage);
    }

    /// <summary><c>PUT /items/{id}</c>: replaces name and price; a stale <c>If-Match</c> is a 412.</summary>
    public async ValueTask<PortableHttpResponse> ReplaceAsync(PortableHttpRequest request, CancellationToken cancellationToken)
    {
        var id = request.RouteValues["id"];
        if (!TryReadInput(request, out var input, out var error))
        {
            return error;
        }

        var current = await store.GetAsync(Collection, id, cancellationToken).ConfigureAwait(false);
        if (current is null)
        {
            return NotFound(id);
        }

        var ifMatch = request.Headers["If-Match"];
        if (ifMatch is not null && !ETagMatches(ifMatch, current.ETag))
        {
            return PreconditionFailed(id);
        }

        var item = Deserialize(current) with { Name = input.Name, Price = input.Price };
        var written = await store.ReplaceAsync(Collection, id, Serialize(item), current.ETag, cancellationToken: cancellationToken).ConfigureAwait(false);
        if (written.Succeeded)
        {
            return ItemResponse(200, item, written.ETag!);
        }

        // Someone else wrote or deleted it between our read and our write.
        return ifMatch is not null ? PreconditionFailed(id) : PortableHttpResponse.Error(409, $"Item '{id}' changed while it was being replaced; retry.");
    }

    /// <summary><c>DELETE /items/{id}</c>: 204, 404, or 412 on a stale <c>If-Match</c>.</summary>
    public async ValueTask<PortableHttpResponse> DeleteAsync(PortableHttpRequest request, CancellationToken cancellationToken)
    {
        var id = request.RouteValues["id"];
        var ifMatch = request.Headers["If-Match"];
        if (ifMatch is null)
        {
            return await store.DeleteAsync(Collection, id, cancellationToken: cancellationToken).ConfigureAwait(false)
                ? PortableHttpResponse.Empty(204)
                : NotFound(id);
        }

        var current = await store.GetAsync(Collection, id, cancellationToken).ConfigureAwait(false);
        if (current is null)
        {
            return NotFound(id);
        }

        return ETagMatches(ifMatch, current.ETag) && await store.DeleteAsync(Collection, id, current.ETag, cancellationToken).ConfigureAwait(false)
            ? PortableHttpResponse.Empty(204)
            : PreconditionFailed(id);
    }

    private static bool TryReadInput(PortableHttpRequest request, out ItemInput input, out PortableHttpResponse error)
    {
        input = null!;
        if (!JsonRequestBody.TryParse(request, out var document, out error))
        {
            return false;
        }

        using (document)
        {
            if (!ItemInput.TryRead(document.RootElement, out input, out var errors))
            {
                error = PortableHttpResponse.Error(400, "The item is invalid.", errors);
                return false;
            }
        }

        return true;
    }

    /// <summary>True when an <c>If-Match</c> value (a list of quoted tags, or <c>*</c>) names <paramref name="etag"/>.</summary>
    private static bool ETagMatches(string ifMatch, string etag) =>
        ifMatch.Split(',').Select(t => t.Trim()).Any(t => t == "*" || t.TrimStart('W', '/').Trim('"') == etag);

    // Content-Type, ETag and (on create) Location, all in the one dictionary the builder hands over.
    private static PortableHttpResponse ItemResponse(int status, Item item, string etag, string? location = null)
    {
        var headers = new HeaderMap.Builder(3).Add("ETag", $"\"{etag}\"");
        if (location is not null)
        {
            headers.Add("Location", location);
        }

        return PortableHttpResponse.Json(status, item, ItemsJsonContext.Default.Item, headers);
    }

    private static PortableHttpResponse NotFound(string id) => PortableHttpResponse.Error(404, $"Item '{id}' was not found.");

    private static PortableHttpResponse PreconditionFailed(string id) =>
        PortableHttpResponse.Error(412, $"Item '{id}' has changed since the ETag in If-Match was read.");

    private static byte[] Serialize(Item item) => JsonSerializer.SerializeToUtf8Bytes(item, ItemsJsonContext.Default.Item);

    // Every list and get reads stored items back: the common shape (the one Serialize writes) is read in one pass of
    // the reader, several times faster than the serializer's constructor-parameter converter; anything else (a
    // hand-edited or foreign document) goes to the serializer, which gives what it always gave, errors included.
    private static Item Deserialize(StateEntry entry) =>
        TryReadItem(entry.Value.Span, out var item) ? item : JsonSerializer.Deserialize(entry.Value.Span, ItemsJsonContext.Default.Item)!;

    /// <summary>
    /// Reads the stored shape, an object holding each of string <c>id</c> and <c>name</c>, number <c>price</c> and ISO
    /// 8601 <c>createdAt</c> at most once and nothing else, with the serializer's own conversions (names matched
    /// case-sensitively, escapes decoded). False for anything else, so that the caller lets the serializer decide.
    /// </summary>
    internal static bool TryReadItem(ReadOnlySpan<byte> json, out Item item)
    {
        item = null!;
        string? id = null, name = null;
        decimal price = default;
        DateTimeOffset createdAt = default;
        var seen = 0;
        var reader = new Utf8JsonReader(json);
        try
        {
            if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
            {
                return false;
            }

            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                var property = reader.ValueTextEquals("id"u8) ? 1
                    : reader.ValueTextEquals("name"u8) ? 2
                    : reader.ValueTextEquals("price"u8) ? 4
                    : reader.ValueTextEquals("createdAt"u8) ? 8
                    : 0;
                if (property == 0 || (seen & property) != 0 || !reader.Read())
                {
                    return false;
                }

                seen |= property;
                var read = property switch
                {
                    1 => reader.TokenType == JsonTokenType.String && (id = reader.GetString()) is not null,
                    2 => reader.TokenType == JsonTokenType.String && (name = reader.GetString()) is not null,
                    4 => reader.TokenType == JsonTokenType.Number && reader.TryGetDecimal(out price),
                    _ => reader.TokenType == JsonTokenType.String && reader.TryGetDateTimeOffset(out createdAt),
                };
                if (!read)
                {
                    return false;
                }
            }

            if (seen != 15 || reader.TokenType != JsonTokenType.EndObject || reader.Read())
            {
                return false;
            }
        }
        catch (JsonException)
        {
            return false;
        }

        item = new Item(id!, name!, price, createdAt);
        return true;
    }

    private static string EncodeCursor(string lastId) => Base64Url.EncodeToString(Encoding.UTF8.GetBytes("after:" + lastId));

    private static bool TryDecodeCursor(string cursor, out string? afterId)
    {
        afterId = null;
        try
        {
            var text = Encoding.UTF8.GetString(Base64Url.DecodeFromChars(cursor));
            if (text.StartsWith("after:", StringComparison.Ordinal) && SortableId.IsWellFormed(text[6..]))
            {
                afterId = text[6..];
                return true;
            }
        }
        catch (FormatException)
        {
        }

        return false;
    }
}
