using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;

namespace Portable.Conformance;

/// <summary>
/// Every behaviour of the Items API, as one script run against a host over HTTP. Each step asserts the
/// specified outcome and records a normalised observation (ids, times and ETags replaced by placeholders),
/// so that two hosts' transcripts can be compared line by line.
/// </summary>
public static partial class ItemsScenario
{
    /// <summary>Runs the script; throws naming the host and step on the first outcome that breaks the spec.</summary>
    public static async Task<IReadOnlyList<string>> RunAsync(string host, HttpClient client)
    {
        var t = new Transcript(host, client);

        // Create, read, ETag, Location.
        var created = await t.SendAsync("create", HttpMethod.Post, "/items", """{"name":"Widget","price":9.99}""", expect: 201);
        var id = created.Json.GetProperty("id").GetString()!;
        t.Check("create", created.Headers.Location?.OriginalString == $"/items/{id}", $"Location was '{created.Headers.Location}'");
        t.Check("create", created.ETag is not null, "no ETag");
        t.Check("create", created.Json.GetProperty("name").GetString() == "Widget" && created.Json.GetProperty("price").GetDecimal() == 9.99m, created.Text);
        t.Check("create", created.Json.TryGetProperty("createdAt", out var createdAt) && createdAt.TryGetDateTimeOffset(out _), created.Text);

        var fetched = await t.SendAsync("get", HttpMethod.Get, $"/items/{id}", expect: 200);
        t.Check("get", fetched.ETag == created.ETag, $"ETag {fetched.ETag} != {created.ETag}");
        t.Check("get", fetched.Text == created.Text, $"body {fetched.Text} != {created.Text}");
        await t.SendAsync("get-missing", HttpMethod.Get, "/items/01M83VFSR93PF3JDXCD2A66DKV", expect: 404);

        // Paging in creation order.
        var second = await t.SendAsync("create-2", HttpMethod.Post, "/items", """{"name":"Gadget","price":0}""", expect: 201);
        var third = await t.SendAsync("create-3", HttpMethod.Post, "/items", """{"name":"Gizmo","price":1234.5}""", expect: 201);
        var page1 = await t.SendAsync("list-page-1", HttpMethod.Get, "/items?limit=2", expect: 200);
        var cursor = page1.Json.GetProperty("nextCursor").GetString();
        t.Check("list-page-1", page1.Json.GetProperty("items").GetArrayLength() == 2 && cursor is not null, page1.Text);
        var page2 = await t.SendAsync("list-page-2", HttpMethod.Get, $"/items?limit=2&cursor={Uri.EscapeDataString(cursor!)}", expect: 200);
        t.Check("list-page-2", page2.Json.GetProperty("nextCursor").ValueKind == JsonValueKind.Null, page2.Text);
        var listed = page1.Json.GetProperty("items").EnumerateArray().Concat(page2.Json.GetProperty("items").EnumerateArray()).Select(i => i.GetProperty("id").GetString()).ToList();
        t.Check("list", listed.SequenceEqual([id, second.Json.GetProperty("id").GetString(), third.Json.GetProperty("id").GetString()]), string.Join(",", listed));
        await t.SendAsync("list-limit-0", HttpMethod.Get, "/items?limit=0", expect: 400, field: "limit");
        await t.SendAsync("list-limit-101", HttpMethod.Get, "/items?limit=101", expect: 400, field: "limit");
        await t.SendAsync("list-bad-cursor", HttpMethod.Get, "/items?cursor=not-a-cursor", expect: 400, field: "cursor");

        // Replace with optimistic concurrency.
        var replaced = await t.SendAsync("replace", HttpMethod.Put, $"/items/{id}", """{"name":"Widget 2","price":10}""", expect: 200, headers: [("If-Match", created.ETag!)]);
        t.Check("replace", replaced.ETag is not null && replaced.ETag != created.ETag, "ETag did not change");
        t.Check("replace", replaced.Json.GetProperty("name").GetString() == "Widget 2", replaced.Text);
        await t.SendAsync("replace-stale", HttpMethod.Put, $"/items/{id}", """{"name":"Widget 3","price":11}""", expect: 412, headers: [("If-Match", created.ETag!)]);
        await t.SendAsync("replace-missing", HttpMethod.Put, "/items/01M83VFSR93PF3JDXCD2A66DKV", """{"name":"x","price":1}""", expect: 404);
        await t.SendAsync("replace-invalid", HttpMethod.Put, $"/items/{id}", """{"name":"x"}""", expect: 400, field: "price");

        // Validation and bad input.
        await t.SendAsync("invalid-name", HttpMethod.Post, "/items", """{"price":1}""", expect: 400, field: "name");
        await t.SendAsync("invalid-price", HttpMethod.Post, "/items", """{"name":"a","price":1.005}""", expect: 400, field: "price");
        await t.SendAsync("invalid-negative", HttpMethod.Post, "/items", """{"name":"a","price":-1}""", expect: 400, field: "price");
        var both = await t.SendAsync("invalid-both", HttpMethod.Post, "/items", """{"name":"","price":"free"}""", expect: 400, field: "name");
        t.Check("invalid-both", both.Json.GetProperty("details").TryGetProperty("price", out _), both.Text);
        await t.SendAsync("malformed-json", HttpMethod.Post, "/items", """{"name":""", expect: 400);
        await t.SendAsync("wrong-content-type", HttpMethod.Post, "/items", """{"name":"a","price":1}""", expect: 415, contentType: "text/plain");
        await t.SendAsync("too-large", HttpMethod.Post, "/items", "{\"name\":\"" + new string('x', 1024 * 1024) + "\",\"price\":1}", expect: 413);
        await t.SendAsync("unknown-path", HttpMethod.Get, "/nowhere/at/all", expect: 404);
        var wrongMethod = await t.SendAsync("wrong-method", HttpMethod.Patch, "/items", "{}", expect: 405);
        t.Check("wrong-method", wrongMethod.Allow == "GET, POST", $"Allow was '{wrongMethod.Allow}'");

        // Idempotent POST.
        var first = await t.SendAsync("idempotent-first", HttpMethod.Post, "/items", """{"name":"Once","price":5}""", expect: 201, headers: [("Idempotency-Key", "key-1")]);
        var replay = await t.SendAsync("idempotent-replay", HttpMethod.Post, "/items", """{"name":"Once","price":5}""", expect: 201, headers: [("Idempotency-Key", "key-1")]);
        t.Check("idempotent-replay", replay.Text == first.Text && replay.Headers.Location == first.Headers.Location, $"{replay.Text} != {first.Text}");
        await t.SendAsync("idempotent-conflict", HttpMethod.Post, "/items", """{"name":"Twice","price":5}""", expect: 422, headers: [("Idempotency-Key", "key-1")]);
        var all = await t.SendAsync("list-after-idempotency", HttpMethod.Get, "/items?limit=100", expect: 200);
        t.Check("list-after-idempotency", all.Json.GetProperty("items").GetArrayLength() == 4, all.Text);

        // Delete.
        await t.SendAsync("delete-stale", HttpMethod.Delete, $"/items/{id}", expect: 412, headers: [("If-Match", created.ETag!)]);
        await t.SendAsync("delete", HttpMethod.Delete, $"/items/{id}", expect: 204);
        await t.SendAsync("delete-again", HttpMethod.Delete, $"/items/{id}", expect: 404);
        await t.SendAsync("get-deleted", HttpMethod.Get, $"/items/{id}", expect: 404);

        return t.Lines;
    }

    /// <summary>Compares a host's transcript with the reference host's; returns a message naming every difference.</summary>
    public static string? Diff(string referenceHost, IReadOnlyList<string> reference, string host, IReadOnlyList<string> actual)
    {
        var lines = new List<string>();
        for (var i = 0; i < Math.Max(reference.Count, actual.Count); i++)
        {
            var want = i < reference.Count ? reference[i] : "(nothing)";
            var got = i < actual.Count ? actual[i] : "(nothing)";
            if (want != got)
            {
                lines.Add($"  {referenceHost}: {want}\n  {host}: {got}");
            }
        }

        return lines.Count == 0 ? null : $"{host} differs from {referenceHost}:\n" + string.Join("\n", lines);
    }

    private sealed class Transcript(string host, HttpClient client)
    {
        private readonly Dictionary<string, string> _placeholders = new(StringComparer.Ordinal);

        public List<string> Lines { get; } = [];

        public void Check(string step, bool condition, string detail)
        {
            if (!condition)
            {
                throw new Xunit.Sdk.XunitException($"[{host}] step '{step}': {detail}");
            }
        }

        public async Task<Observed> SendAsync(
            string step, HttpMethod method, string path, string? body = null, int expect = 200, string? field = null,
            (string Name, string Value)[]? headers = null, string contentType = "application/json")
        {
            using var request = new HttpRequestMessage(method, path);
            if (body is not null)
            {
                request.Content = new StringContent(body, Encoding.UTF8);
                request.Content.Headers.ContentType = MediaTypeHeaderValue.Parse(contentType);
            }

            foreach (var (name, value) in headers ?? [])
            {
                request.Headers.TryAddWithoutValidation(name, value);
            }

            using var response = await client.SendAsync(request);
            var text = await response.Content.ReadAsStringAsync();
            var observed = new Observed((int)response.StatusCode, text, response.Headers, response.Content.Headers.ContentType?.MediaType, string.Join(", ", response.Content.Headers.Allow));

            Check(step, observed.Status == expect, $"{method} {path} returned {observed.Status}, expected {expect}. Body: {Shorten(text)}");
            if (expect >= 400)
            {
                Check(step, observed.ContentType == "application/json", $"error content type was '{observed.ContentType}'");
                Check(step, observed.Json.TryGetProperty("error", out var error) && error.ValueKind == JsonValueKind.String, $"error body has no \"error\" string: {Shorten(text)}");
                if (field is not null)
                {
                    Check(step, observed.Json.TryGetProperty("details", out var details) && details.TryGetProperty(field, out _), $"details do not name '{field}': {Shorten(text)}");
                }
            }

            Lines.Add($"{step}: {observed.Status} {observed.ContentType ?? "-"} {Normalise(text)}"
                + (observed.Allow is { } allow ? $" Allow={allow}" : string.Empty)
                + (response.Headers.Location is { } location ? $" Location={Normalise(location.OriginalString)}" : string.Empty)
                + (observed.ETag is not null ? " ETag" : string.Empty));
            return observed;
        }

        private string Normalise(string text)
        {
            text = Ids().Replace(text, m => Placeholder("id", m.Value));
            text = Times().Replace(text, "<time>");
            text = Cursors().Replace(text, m => $"\"nextCursor\":\"{Placeholder("cursor", m.Groups[1].Value)}\"");
            return text.Length > 300 ? text[..300] + "…" : text;
        }

        private string Placeholder(string kind, string value)
        {
            if (!_placeholders.TryGetValue(value, out var name))
            {
                _placeholders[value] = name = $"<{kind}{_placeholders.Count + 1}>";
            }

            return name;
        }

        private static string Shorten(string text) => text.Length > 300 ? text[..300] + "…" : text;
    }

    private sealed class Observed(int status, string text, HttpResponseHeaders headers, string? contentType, string allow)
    {
        private JsonElement? _json;

        public int Status { get; } = status;

        public string Text { get; } = text;

        public HttpResponseHeaders Headers { get; } = headers;

        public string? ContentType { get; } = contentType;

        public JsonElement Json => _json ??= JsonDocument.Parse(Text).RootElement;

        public string? ETag => Headers.ETag?.ToString();

        // .NET files Allow under the content headers.
        public string? Allow { get; } = allow.Length > 0 ? allow : null;
    }

    [GeneratedRegex("(?<![0-9A-Za-z])[0-9A-HJKMNP-TV-Z]{26}(?![0-9A-Za-z])")]
    private static partial Regex Ids();

    [GeneratedRegex(@"\d{4}-\d{2}-\d{2}T[0-9:.]+(Z|[+-]\d{2}:\d{2})")]
    private static partial Regex Times();

    [GeneratedRegex("\"nextCursor\":\"([^\"]+)\"")]
    private static partial Regex Cursors();
}
