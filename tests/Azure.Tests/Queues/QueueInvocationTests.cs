using System.Net;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Portable.Azure.Hosting;
using Portable.Core.Messaging;
using Portable.Core.State;
using Portable.Core.Patterns;
using Portable.Testing;

namespace Portable.Azure.Tests.Queues;

/// <summary>Queue invocations of ledger-writer through the in-process handler, as the Functions host sends them.</summary>
public sealed class QueueInvocationTests : IAsyncLifetime
{
    private readonly RecordingDeadLetterSink _deadLetters = new();
    private readonly FlakyStateStore _store = new(new InMemoryStateStore(TimeProvider.System));
    private WebApplication _app = null!;
    private HttpClient _client = null!;

    public async Task InitializeAsync()
    {
        _app = await CustomHandlerHost.BuildAsync(PatternsApp.App, 
            new CustomHandlerOptions { Port = 0, RoutePrefix = string.Empty },
            logging: _ => { },
            configureServices: s =>
            {
                s.AddSingleton<IDeadLetterSink>(_deadLetters);
                s.AddSingleton<IStateStore>(_store);
            });
        await _app.StartAsync();
        _client = new HttpClient { BaseAddress = _app.BaseAddress() };
    }

    public async Task DisposeAsync()
    {
        _client.Dispose();
        await _app.DisposeAsync();
    }

    private static string Payment(string paymentId, decimal amount, string account = "acc-1", string currency = "EUR") =>
        JsonSerializer.Serialize(new Dictionary<string, object> { ["paymentId"] = paymentId, ["account"] = account, ["amount"] = amount, ["currency"] = currency });

    private async Task<(HttpStatusCode Status, string Body)> DeliverAsync(string messageText, string messageId, int dequeueCount = 1)
    {
        var message = MessageBuilder.Text(messageText, messageId).WithDeliveryCount(dequeueCount).EnqueuedAt(TestClock.Start.AddHours(-2)).Build();
        using var request = CustomHandlerPayloads.Queue(message, "ledger-writer", new CustomHandlerPayloadOptions { InvocationId = "inv-" + messageId })
            .ToHttpRequestMessage();
        using var response = await _client.SendAsync(request);
        return (response.StatusCode, await response.Content.ReadAsStringAsync());
    }

    private async Task<JsonElement> BalanceAsync(string account)
    {
        using var response = await _client.GetAsync("/accounts/" + account);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        using var document = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        return document.RootElement.Clone();
    }

    [Fact]
    public async Task Deliver_ValidPayment_200WithEmptyOutputsAndBalanceUpdated()
    {
        var (status, body) = await DeliverAsync(Payment("p-1", 12.50m), "m-1");

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal("""{"Outputs":{},"Logs":[],"ReturnValue":null}""", body);
        var balance = await BalanceAsync("acc-1");
        Assert.Equal(12.50m, balance.GetProperty("balance").GetDecimal());
        Assert.Equal(1, balance.GetProperty("entries").GetInt32());
    }

    [Fact]
    public async Task Deliver_SamePaymentTwiceUnderNewMessageIds_CountedOnce()
    {
        Assert.Equal(HttpStatusCode.OK, (await DeliverAsync(Payment("p-2", 5m), "m-a")).Status);
        Assert.Equal(HttpStatusCode.OK, (await DeliverAsync(Payment("p-2", 5m), "m-a", dequeueCount: 2)).Status);
        Assert.Equal(HttpStatusCode.OK, (await DeliverAsync(Payment("p-2", 5m), "m-b")).Status);
        Assert.Equal(HttpStatusCode.OK, (await DeliverAsync(Payment("p-3", 1.25m), "m-c")).Status);

        var balance = await BalanceAsync("acc-1");
        Assert.Equal(6.25m, balance.GetProperty("balance").GetDecimal());
        Assert.Equal(2, balance.GetProperty("entries").GetInt32());
    }

    [Fact]
    public async Task Deliver_InvalidPayment_DeadLetteredThroughTheSinkAnd200SoTheHostDoesNotRetry()
    {
        var (status, body) = await DeliverAsync("""{"paymentId":"p-bad","account":"acc-1","amount":-3,"currency":"EUR"}""", "m-bad");

        Assert.Equal(HttpStatusCode.OK, status);
        var (message, reason) = Assert.Single(_deadLetters.Received);
        Assert.Equal("m-bad", message.Id);
        Assert.Equal("payments", message.Source);
        Assert.Contains("amount must be greater than 0", reason, StringComparison.Ordinal);
        using var document = JsonDocument.Parse(body);
        Assert.Contains("amount must be greater than 0", document.RootElement.GetProperty("Logs")[0].GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Deliver_TransientStoreFailure_500ThenRedeliverySucceedsOnce()
    {
        _store.FailNextWrites = 1;

        var first = await DeliverAsync(Payment("p-4", 7m), "m-4");
        var second = await DeliverAsync(Payment("p-4", 7m), "m-4", dequeueCount: 2);

        Assert.Equal(HttpStatusCode.InternalServerError, first.Status);
        Assert.Contains("retried", first.Body, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.OK, second.Status);
        Assert.Empty(_deadLetters.Received);
        Assert.Equal(7m, (await BalanceAsync("acc-1")).GetProperty("balance").GetDecimal());
    }

    [Fact]
    public async Task Deliver_SinkFails_500SoTheHostsPoisonRuleIsTheSafetyNet()
    {
        _deadLetters.FailWith = new InvalidOperationException("The dead-letter queue is unreachable.");

        var (status, _) = await DeliverAsync("not json", "m-5");

        Assert.Equal(HttpStatusCode.InternalServerError, status);
    }

    [Fact]
    public async Task Deliver_MalformedEnvelope_400()
    {
        using var response = await _client.PostAsync("/ledger-writer", new StringContent("""{"Data":{"a":"1","b":"2"},"Metadata":{"Id":"x"}}""", Encoding.UTF8, "application/json"));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
    }

    /// <summary>Fails the next writes to ledger entries, as an unreachable table would.</summary>
    private sealed class FlakyStateStore(IStateStore inner) : IStateStore
    {
        private int _failNextWrites;

        public int FailNextWrites
        {
            get => Volatile.Read(ref _failNextWrites);
            set => Volatile.Write(ref _failNextWrites, value);
        }

        public ValueTask<StateEntry?> GetAsync(string collection, string key, CancellationToken cancellationToken = default) => inner.GetAsync(collection, key, cancellationToken);

        public ValueTask<StateWriteResult> InsertAsync(string collection, string key, ReadOnlyMemory<byte> value, DateTimeOffset? expiresAt = null, CancellationToken cancellationToken = default) =>
            collection.StartsWith("ledger:", StringComparison.Ordinal) && Interlocked.Decrement(ref _failNextWrites) >= 0
                ? throw new IOException("The table service is unavailable.")
                : inner.InsertAsync(collection, key, value, expiresAt, cancellationToken);

        public ValueTask<StateWriteResult> ReplaceAsync(string collection, string key, ReadOnlyMemory<byte> value, string ifMatch, DateTimeOffset? expiresAt = null, CancellationToken cancellationToken = default) =>
            inner.ReplaceAsync(collection, key, value, ifMatch, expiresAt, cancellationToken);

        public ValueTask<StateWriteResult> PutAsync(string collection, string key, ReadOnlyMemory<byte> value, DateTimeOffset? expiresAt = null, CancellationToken cancellationToken = default) =>
            inner.PutAsync(collection, key, value, expiresAt, cancellationToken);

        public ValueTask<bool> DeleteAsync(string collection, string key, string? ifMatch = null, CancellationToken cancellationToken = default) =>
            inner.DeleteAsync(collection, key, ifMatch, cancellationToken);

        public ValueTask<StatePage> ListAsync(string collection, int limit, string? afterKey = null, CancellationToken cancellationToken = default) =>
            inner.ListAsync(collection, limit, afterKey, cancellationToken);
    }
}
