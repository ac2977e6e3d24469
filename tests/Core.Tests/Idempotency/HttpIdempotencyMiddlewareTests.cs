using System.Text.Json;
using Portable.Core.Functions;
using Portable.Core.Http;
using Portable.Core.Idempotency;
using Portable.Core.Patterns;
using Portable.Testing;
using Portable.TestKit;

namespace Portable.Core.Tests.Idempotency;

public sealed class HttpIdempotencyMiddlewareTests
{
    private static JsonElement Json(PortableHttpResponse response) => JsonDocument.Parse(response.Body).RootElement;

    [Fact]
    public async Task Post_SameKeyAndBody_ReplaysFirstResponseWithoutSecondItem()
    {
        using var host = new FunctionTestHost(PatternsApp.App);
        var first = await host.SendAsync("POST", "/items", """{"name":"a","price":1}""", ("Idempotency-Key", "k1"));
        var second = await host.SendAsync("POST", "/items", """{"name":"a","price":1}""", ("Idempotency-Key", "k1"));

        Assert.Equal(201, second.StatusCode);
        Assert.Equal(first.Body.ToArray(), second.Body.ToArray());
        Assert.Equal(first.Headers["Location"], second.Headers["Location"]);
        Assert.Equal(first.Headers["ETag"], second.Headers["ETag"]);
        Assert.Equal("true", second.Headers[HttpIdempotencyMiddleware.ReplayedHeaderName]);
        Assert.Single((await host.Store.ListAsync("items", 10)).Entries);
    }

    [Theory]
    [InlineData("""{"price":1,"name":"a"}""")]
    [InlineData("""{"name":"a","price":1.00}""")]
    [InlineData(""" { "name" : "\u0061" , "price" : 1e0 } """)]
    public async Task Post_SameKeyBodyEqualByMeaning_ReplaysFirstResponse(string again)
    {
        using var host = new FunctionTestHost(PatternsApp.App);
        var first = await host.SendAsync("POST", "/items", """{"name":"a","price":1.0}""", ("Idempotency-Key", "k1"));
        var second = await host.SendAsync("POST", "/items", again, ("Idempotency-Key", "k1"));

        Assert.Equal(201, second.StatusCode);
        Assert.Equal("true", second.Headers[HttpIdempotencyMiddleware.ReplayedHeaderName]);
        Assert.Equal(first.Headers["Location"], second.Headers["Location"]);
        Assert.Single((await host.Store.ListAsync("items", 10)).Entries);
    }

    [Fact]
    public async Task Post_SameKeyDifferentBody_Returns422()
    {
        using var host = new FunctionTestHost(PatternsApp.App);
        await host.SendAsync("POST", "/items", """{"name":"a","price":1}""", ("Idempotency-Key", "k1"));
        var conflict = await host.SendAsync("POST", "/items", """{"name":"b","price":1}""", ("Idempotency-Key", "k1"));
        Assert.Equal(422, conflict.StatusCode);
        Assert.Single((await host.Store.ListAsync("items", 10)).Entries);
    }

    [Fact]
    public async Task Post_DifferentKeys_CreateTwoItems()
    {
        using var host = new FunctionTestHost(PatternsApp.App);
        await host.SendAsync("POST", "/items", """{"name":"a","price":1}""", ("Idempotency-Key", "k1"));
        await host.SendAsync("POST", "/items", """{"name":"a","price":1}""", ("Idempotency-Key", "k2"));
        Assert.Equal(2, (await host.Store.ListAsync("items", 10)).Entries.Count);
    }

    [Fact]
    public async Task Post_ValidationFailure_IsReplayedToo()
    {
        using var host = new FunctionTestHost(PatternsApp.App);
        var first = await host.SendAsync("POST", "/items", """{"name":""}""", ("Idempotency-Key", "k1"));
        var second = await host.SendAsync("POST", "/items", """{"name":""}""", ("Idempotency-Key", "k1"));
        Assert.Equal(400, first.StatusCode);
        Assert.Equal(400, second.StatusCode);
        Assert.Equal("true", second.Headers[HttpIdempotencyMiddleware.ReplayedHeaderName]);
    }

    [Fact]
    public async Task Post_AfterRecordExpires_RunsAgain()
    {
        using var host = new FunctionTestHost(PatternsApp.App);
        await host.SendAsync("POST", "/items", """{"name":"a","price":1}""", ("Idempotency-Key", "k1"));
        host.Clock.Advance(IdempotencyRecords.CompletedLifetime + TimeSpan.FromMinutes(1));
        var again = await host.SendAsync("POST", "/items", """{"name":"a","price":1}""", ("Idempotency-Key", "k1"));
        Assert.Null(again.Headers[HttpIdempotencyMiddleware.ReplayedHeaderName]);
        Assert.Equal(2, (await host.Store.ListAsync("items", 10)).Entries.Count);
    }

    [Fact]
    public async Task Post_WhileFirstAttemptRuns_Returns409WithRetryAfter()
    {
        var release = new TaskCompletionSource();
        var entered = new TaskCompletionSource();
        var manifest = new FunctionManifestBuilder().AddHttp("slow", r => r.Map("POST", "/slow", async (_, _, _) =>
        {
            entered.TrySetResult();
            await release.Task;
            return PortableHttpResponse.Empty(201);
        })).Build();
        using var host = new FunctionTestHost(manifest);

        var first = host.SendAsync("POST", "/slow", "{}", ("Idempotency-Key", "k1")).AsTask();
        await entered.Task;
        var concurrent = await host.SendAsync("POST", "/slow", "{}", ("Idempotency-Key", "k1"));
        release.SetResult();

        Assert.Equal(409, concurrent.StatusCode);
        Assert.Equal("1", concurrent.Headers["Retry-After"]);
        Assert.Equal(201, (await first).StatusCode);
    }

    [Fact]
    public async Task Post_HandlerFails_ReleasesKeySoRetryRuns()
    {
        var calls = 0;
        var manifest = new FunctionManifestBuilder().AddHttp("flaky", r => r.Map("POST", "/flaky", (_, _, _) =>
            ++calls == 1 ? throw new InvalidOperationException("transient") : ValueTask.FromResult(PortableHttpResponse.Empty(201)))).Build();
        using var host = new FunctionTestHost(manifest);

        Assert.Equal(500, (await host.SendAsync("POST", "/flaky", "{}", ("Idempotency-Key", "k1"))).StatusCode);
        Assert.Equal(201, (await host.SendAsync("POST", "/flaky", "{}", ("Idempotency-Key", "k1"))).StatusCode);
        Assert.Equal(2, calls);
    }

    [Fact]
    public async Task Post_OverlongKey_Returns400()
    {
        using var host = new FunctionTestHost(PatternsApp.App);
        var response = await host.SendAsync("POST", "/items", """{"name":"a","price":1}""", ("Idempotency-Key", new string('k', 256)));
        Assert.Equal(400, response.StatusCode);
        Assert.Contains("Idempotency-Key", Json(response).GetProperty("error").GetString(), StringComparison.Ordinal);
    }
}
