using System.Collections.Concurrent;
using System.Globalization;
using System.Net;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Portable.Core.Messaging;
using Portable.Local;
using Portable.Local.Queues;
using Portable.Core.Patterns;

namespace Portable.Conformance.Queues;

/// <summary>
/// The embedded local host in process: messages go in through <c>POST /_local/queues/payments</c>, its own worker
/// delivers them, dead letters come from <c>GET /_local/queues/payments/dead-letters</c>, balances from
/// <c>GET /accounts/{account}</c>. The worker runs on the real clock (the local profile's short backoff), so a
/// drain waits for the queue to empty. Transient failures are seen in the invoker's own log events.
/// </summary>
internal sealed class LocalQueueHost : IQueueHostUnderTest
{
    private readonly WebApplication _app;
    private readonly string _dataDir;
    private readonly HttpClient _client;
    private readonly TransientFailureLog _failures;

    private LocalQueueHost(WebApplication app, string dataDir, TransientFailureLog failures)
    {
        _app = app;
        _dataDir = dataDir;
        _failures = failures;
        _client = new HttpClient { BaseAddress = app.BaseAddress(), Timeout = TimeSpan.FromSeconds(30) };
    }

    public DeliveryProfile Profile => DeliveryProfile.Local;

    public string ReadsVia => "GET /accounts/{account} on the same host";

    public static async Task<IQueueHostUnderTest> StartAsync(double? transientFaultRate)
    {
        var dataDir = Directory.CreateTempSubdirectory("portable-queue-conformance-").FullName;
        var failures = new TransientFailureLog();
        var app = LocalHost.Build(PatternsApp.App, 
            new LocalHostOptions { Port = 0, DataDirectory = dataDir, TransientFaultRate = transientFaultRate ?? 0 },
            l => l.SetMinimumLevel(LogLevel.Warning).AddProvider(failures));
        await app.StartAsync();
        return new LocalQueueHost(app, dataDir, failures);
    }

    public async Task<string> SendAsync(string body, string? messageId = null)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/_local/queues/payments") { Content = new StringContent(body, Encoding.UTF8, "application/json") };
        if (messageId is not null)
        {
            request.Headers.Add("Message-Id", messageId);
        }

        using var response = await _client.SendAsync(request);
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.Accepted, $"local enqueue answered {(int)response.StatusCode}: {text}");
        return JsonDocument.Parse(text).RootElement.GetProperty("id").GetString()!;
    }

    public async Task<DrainResult> DrainAsync()
    {
        var queue = _app.Services.GetRequiredService<SqliteMessageQueue>();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        while (await queue.CountAsync("payments", timeout.Token) > 0)
        {
            await Task.Delay(20, timeout.Token); // the worker's own loop delivers; this only polls for the end
        }

        return new DrainResult(null, null);
    }

    public async Task<IReadOnlyList<ObservedDeadLetter>> DeadLettersAsync()
    {
        var list = JsonDocument.Parse(await _client.GetStringAsync(new Uri("/_local/queues/payments/dead-letters", UriKind.Relative))).RootElement.GetProperty("deadLetters");
        return [.. list.EnumerateArray().Select(l => new ObservedDeadLetter(l.GetProperty("body").GetString()!, l.GetProperty("reason").GetString()!, l.GetProperty("deliveryCount").GetInt32()))];
    }

    public async Task<ObservedAccount?> AccountAsync(string account, IReadOnlyList<string> paymentIds) =>
        await HttpAccounts.ReadAsync(_client, account);

    public int DeliveriesOf(string transportId) => _failures.Count(transportId) + 1;

    public async ValueTask DisposeAsync()
    {
        _client.Dispose();
        await _app.DisposeAsync();
        SqliteConnection.ClearAllPools();
        Directory.Delete(_dataDir, recursive: true);
    }

    /// <summary>Counts the invoker's "failed … it will be retried" events (event id 2001) per message id.</summary>
    private sealed class TransientFailureLog : ILoggerProvider, ILogger
    {
        private readonly ConcurrentDictionary<string, int> _counts = new(StringComparer.Ordinal);

        public int Count(string messageId) => _counts.TryGetValue(messageId, out var n) ? n : 0;

        public ILogger CreateLogger(string categoryName) => this;

        public void Dispose()
        {
        }

        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            if (eventId.Id == 2001 && state is IReadOnlyList<KeyValuePair<string, object?>> fields
                && fields.FirstOrDefault(f => f.Key == "MessageId").Value is string id)
            {
                _counts.AddOrUpdate(id, 1, (_, n) => n + 1);
            }
        }
    }
}

/// <summary>Reads <c>GET /accounts/{account}</c> (the <c>accounts-api</c> function).</summary>
internal static class HttpAccounts
{
    public static async Task<ObservedAccount?> ReadAsync(HttpClient client, string account)
    {
        using var response = await client.GetAsync(new Uri($"/accounts/{account}", UriKind.Relative));
        var text = await response.Content.ReadAsStringAsync();
        if (response.StatusCode == HttpStatusCode.NotFound)
        {
            return null;
        }

        Assert.True(response.StatusCode == HttpStatusCode.OK, $"GET /accounts/{account} answered {(int)response.StatusCode}: {text}");
        var json = JsonDocument.Parse(text).RootElement;
        Assert.Equal(account, json.GetProperty("account").GetString());
        return new ObservedAccount(json.GetProperty("balance").GetDecimal(), json.GetProperty("entries").GetInt32(), json.GetProperty("currency").GetString()!);
    }

    public static string Format(decimal value) => value.ToString("0.00", CultureInfo.InvariantCulture);
}
