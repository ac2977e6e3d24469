using System.Globalization;
using System.Net;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Portable.Core.Messaging;
using Portable.Local.Queues;
using Portable.Core.Patterns;

namespace Portable.Local.Tests.Queues;

/// <summary>The ledger pattern through the local host's real queue: HTTP in, worker, SQLite state, dead letters.</summary>
public sealed class LocalQueueEndToEndTests : IDisposable
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(60);
    private readonly string _dataDir = Directory.CreateTempSubdirectory("portable-queue-e2e-").FullName;

    public void Dispose()
    {
        SqliteConnection.ClearAllPools();
        Directory.Delete(_dataDir, recursive: true);
    }

    private async Task<(WebApplication App, HttpClient Client)> StartAsync(double? faultRate = null)
    {
        var app = LocalHost.Build(PatternsApp.App, 
            new LocalHostOptions { Port = 0, DataDirectory = _dataDir, TransientFaultRate = faultRate },
            l => l.SetMinimumLevel(LogLevel.Critical));
        await app.StartAsync();
        return (app, new HttpClient { BaseAddress = app.BaseAddress() });
    }

    internal static string Payment(string id, string account, decimal amount, string currency = "EUR") =>
        $$"""{"paymentId":"{{id}}","account":"{{account}}","amount":{{amount.ToString(CultureInfo.InvariantCulture)}},"currency":"{{currency}}"}""";

    private static async Task<HttpResponseMessage> SendAsync(HttpClient client, string body, string? messageId = null)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/_local/queues/payments") { Content = new StringContent(body, Encoding.UTF8, "application/json") };
        if (messageId is not null)
        {
            request.Headers.Add("Message-Id", messageId);
        }

        return await client.SendAsync(request);
    }

    private static async Task<(string Queue, long Messages, long DeadLetters)> DepthAsync(HttpClient client)
    {
        var depth = JsonDocument.Parse(await client.GetStringAsync(new Uri("/_local/queues/payments", UriKind.Relative))).RootElement;
        return (depth.GetProperty("queue").GetString()!, depth.GetProperty("messages").GetInt64(), depth.GetProperty("deadLetters").GetInt64());
    }

    internal static async Task<JsonElement?> AccountAsync(HttpClient client, string account)
    {
        var response = await client.GetAsync(new Uri($"/accounts/{account}", UriKind.Relative));
        return response.StatusCode == HttpStatusCode.NotFound ? null : JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;
    }

    internal static async Task<JsonElement> DeadLettersAsync(HttpClient client) =>
        JsonDocument.Parse(await client.GetStringAsync(new Uri("/_local/queues/payments/dead-letters", UriKind.Relative))).RootElement.GetProperty("deadLetters");

    /// <summary>Polls until <paramref name="done"/> holds; fails with <paramref name="what"/> after a bounded wait.</summary>
    internal static async Task EventuallyAsync(Func<Task<bool>> done, string what)
    {
        using var timeout = new CancellationTokenSource(Patience);
        while (!await done())
        {
            if (timeout.IsCancellationRequested)
            {
                Assert.Fail($"Timed out after {Patience.TotalSeconds} s waiting for: {what}");
            }

            await Task.Delay(50, CancellationToken.None);
        }
    }

    [Fact]
    public async Task Send_ValidPayments_BalanceIsTheirSum()
    {
        var (app, client) = await StartAsync();
        await using var _ = app;
        using var __ = client;

        var first = await SendAsync(client, Payment("p1", "acc-1", 12.50m), "m1");
        await SendAsync(client, Payment("p2", "acc-1", 0.25m));

        Assert.Equal(HttpStatusCode.Accepted, first.StatusCode);
        var accepted = JsonDocument.Parse(await first.Content.ReadAsStringAsync()).RootElement;
        Assert.Equal("payments", accepted.GetProperty("queue").GetString());
        Assert.Equal("m1", accepted.GetProperty("id").GetString());
        await EventuallyAsync(async () => (await AccountAsync(client, "acc-1"))?.GetProperty("entries").GetInt32() == 2, "two entries on acc-1");
        var account = (await AccountAsync(client, "acc-1"))!.Value;
        Assert.Equal(12.75m, account.GetProperty("balance").GetDecimal());
        Assert.Equal("EUR", account.GetProperty("currency").GetString());
    }

    [Fact]
    public async Task Send_DuplicateDeliveries_OneEffect()
    {
        var (app, client) = await StartAsync();
        await using var _ = app;
        using var __ = client;

        for (var i = 0; i < 3; i++)
        {
            await SendAsync(client, Payment("p1", "acc-d", 5m), "same-message");
            await SendAsync(client, Payment("p1", "acc-d", 5m), $"redelivered-{i}"); // same payment under a new message id
        }

        await SendAsync(client, Payment("p2", "acc-d", 1m), "last");
        await EventuallyAsync(async () => (await AccountAsync(client, "acc-d"))?.GetProperty("entries").GetInt32() == 2, "p1 and p2 recorded");
        var queue = app.Services.GetRequiredService<SqliteMessageQueue>();
        await EventuallyAsync(async () => await queue.CountAsync("payments") == 0, "the queue drained");

        Assert.Equal(6m, (await AccountAsync(client, "acc-d"))!.Value.GetProperty("balance").GetDecimal());
        Assert.Equal(0, (await DeadLettersAsync(client)).GetArrayLength());
    }

    [Fact]
    public async Task Send_PoisonAndConflict_DeadLetteredAtOnceWithReasons_RedriveBringsThemBack()
    {
        var (app, client) = await StartAsync();
        await using var _ = app;
        using var __ = client;

        await SendAsync(client, Payment("p1", "acc-p", 10m), "good");
        await SendAsync(client, Payment("p-bad", "acc-p", -3m), "poison");
        await SendAsync(client, "{not json", "malformed");
        await EventuallyAsync(async () => (await AccountAsync(client, "acc-p"))?.GetProperty("entries").GetInt32() == 1, "the good payment recorded");
        await SendAsync(client, Payment("p1", "acc-p", 99m), "conflict");

        await EventuallyAsync(async () => (await DeadLettersAsync(client)).GetArrayLength() == 3, "three dead letters");
        var letters = (await DeadLettersAsync(client)).EnumerateArray().ToDictionary(l => l.GetProperty("id").GetString()!);
        Assert.All(letters.Values, l => Assert.Equal(1, l.GetProperty("deliveryCount").GetInt32()));
        Assert.Contains("amount", letters["poison"].GetProperty("reason").GetString(), StringComparison.OrdinalIgnoreCase);
        Assert.Contains("Conflict", letters["conflict"].GetProperty("reason").GetString(), StringComparison.Ordinal);
        Assert.Equal("{not json", letters["malformed"].GetProperty("body").GetString());
        Assert.Equal(10m, (await AccountAsync(client, "acc-p"))!.Value.GetProperty("balance").GetDecimal());
        await EventuallyAsync(async () => (await DepthAsync(client)).Messages == 0, "nothing left waiting");
        Assert.Equal(("payments", 0L, 3L), await DepthAsync(client));

        var redrive = await client.PostAsync(new Uri("/_local/queues/payments/dead-letters/redrive", UriKind.Relative), null);
        Assert.Equal(HttpStatusCode.OK, redrive.StatusCode);
        Assert.Equal(3, JsonDocument.Parse(await redrive.Content.ReadAsStringAsync()).RootElement.GetProperty("redriven").GetInt32());

        // Still bad data: each comes back to the dead letters after one more delivery, and the balance never moves.
        await EventuallyAsync(async () => (await DeadLettersAsync(client)).GetArrayLength() == 3, "the redriven messages dead-lettered again");
        Assert.Equal(10m, (await AccountAsync(client, "acc-p"))!.Value.GetProperty("balance").GetDecimal());
    }

    [Theory]
    [InlineData("POST", "/_local/queues/unknown", HttpStatusCode.NotFound)]
    [InlineData("GET", "/_local/queues/unknown/dead-letters", HttpStatusCode.NotFound)]
    [InlineData("GET", "/_local/queues/unknown", HttpStatusCode.NotFound)]
    [InlineData("PUT", "/_local/queues/payments", HttpStatusCode.MethodNotAllowed)]
    [InlineData("DELETE", "/_local/queues/payments/dead-letters", HttpStatusCode.MethodNotAllowed)]
    [InlineData("POST", "/_local/queues/payments/nothing/here", HttpStatusCode.NotFound)]
    public async Task QueueEndpoints_BadRequests_JsonErrors(string method, string path, HttpStatusCode expected)
    {
        var (app, client) = await StartAsync();
        await using var _ = app;
        using var __ = client;

        using var request = new HttpRequestMessage(new HttpMethod(method), path) { Content = new StringContent("{}") };
        var response = await client.SendAsync(request);

        Assert.Equal(expected, response.StatusCode);
        Assert.True(JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.TryGetProperty("error", out var error));
    }

    [Fact]
    public async Task Send_EmptyOrOversizedBody_Refused()
    {
        var (app, client) = await StartAsync();
        await using var _ = app;
        using var __ = client;

        Assert.Equal(HttpStatusCode.BadRequest, (await SendAsync(client, string.Empty)).StatusCode);
        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, (await SendAsync(client, new string('x', DeliveryProfile.Local.MaxPayloadBytes + 1))).StatusCode);
    }

    [Fact]
    public async Task Reliability_TenThousandPayments_ThirtyPercentDuplicates_TenPercentTransientFaults_ExactlyOnceEffect()
    {
        const int payments = 10_000;
        const int accounts = 20;
        var (app, client) = await StartAsync(faultRate: 0.10);
        await using var _ = app;
        using var __ = client;
        var queue = app.Services.GetRequiredService<SqliteMessageQueue>();
        var random = new Random(42);
        var expected = new decimal[accounts];
        var sends = new List<(string MessageId, string Body)>();
        for (var i = 0; i < payments; i++)
        {
            var amount = random.Next(1, 100_000) / 100m;
            expected[i % accounts] += amount;
            var body = Payment($"p{i}", $"acc-{i % accounts}", amount);
            sends.Add(($"m{i}", body));
            if (random.NextDouble() < 0.30)
            {
                // Half the duplicates are the same message delivered again, half a re-send under a new message id.
                sends.Add((random.Next(2) == 0 ? $"m{i}" : $"m{i}-again", body));
            }
        }

        foreach (var (messageId, body) in sends.OrderBy(_ => random.Next()))
        {
            await queue.PublishAsync("payments", new OutgoingMessage(Encoding.UTF8.GetBytes(body), MessageId: messageId));
        }

        await EventuallyAsync(async () => await queue.CountAsync("payments") == 0, $"all {sends.Count} deliveries settled");

        Assert.Equal(0, (await DeadLettersAsync(client)).GetArrayLength());
        var total = 0;
        for (var a = 0; a < accounts; a++)
        {
            var account = (await AccountAsync(client, $"acc-{a}"))!.Value;
            Assert.Equal(expected[a], account.GetProperty("balance").GetDecimal());
            total += account.GetProperty("entries").GetInt32();
        }

        Assert.Equal(payments, total);
        Assert.True(sends.Count > payments * 1.25, $"the drill should carry about 30 % duplicates, had {sends.Count - payments}");
    }
}
