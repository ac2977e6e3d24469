using System.Net;
using System.Text.Json;
using Microsoft.Extensions.Time.Testing;
using Portable.Azure.Layout;
using Portable.Core.App;
using Portable.Core.Messaging;
using Portable.Emulators.Azure;
using Portable.TestKit;
using Portable.Core.Patterns;

namespace Portable.Azure.Tests.EndToEnd;

/// <summary>
/// The payments ledger through the real Portable.Azure process under the Functions host emulator: the generated
/// queueTrigger on <c>payments</c>, Storage-queue delivery rules (5 dequeues then <c>payments-poison</c>), a lost
/// acknowledgement redelivered, duplicates, and the balance over HTTP. No AzureWebJobsStorage is given to the
/// handler, so it has no dead-letter sink and answers a permanent failure with 500: the host's poison rule applies.
/// </summary>
public sealed class LedgerUnderHostEmulatorTests : IDisposable
{
    private readonly string _scriptRoot = Directory.CreateTempSubdirectory("portable-azure-ledger-").FullName;
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 11, 1, 12, 0, 0, TimeSpan.Zero));

    public LedgerUnderHostEmulatorTests() => FunctionsLayout.WriteTo(_scriptRoot, PatternsApp.Manifest);

    public void Dispose() => Directory.Delete(_scriptRoot, recursive: true);

    private Task<FunctionsHostEmulator> StartAsync(DeliveryProfile? profile = null) =>
        FunctionsHostEmulator.StartAsync(new FunctionsHostEmulatorOptions
        {
            ScriptRoot = _scriptRoot,
            ExecutablePath = "dotnet",
            Arguments = [RepoPaths.BuildOutput("src/Azure", "Portable.Azure.dll")],
            TimeProvider = _time,
            QueueProfile = profile ?? DeliveryProfile.AzureStorageQueue,
        });

    private static string Payment(string paymentId, decimal amount, string account = "acc-1") =>
        JsonSerializer.Serialize(new Dictionary<string, object> { ["paymentId"] = paymentId, ["account"] = account, ["amount"] = amount, ["currency"] = "EUR" });

    private static async Task<JsonElement> BalanceAsync(FunctionsHostEmulator host, string account)
    {
        using var client = host.CreateClient();
        using var response = await client.GetAsync("/accounts/" + account);
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"GET /accounts/{account}: {(int)response.StatusCode} {text}\n{host.HandlerOutput}");
        using var document = JsonDocument.Parse(text);
        return document.RootElement.Clone();
    }

    [Fact]
    public async Task InvalidPayment_FiveFailedDequeues_MovedToPaymentsPoisonWithItsText()
    {
        await using var host = await StartAsync();
        const string invalid = """{"paymentId":"p-bad","account":"acc-1","amount":"lots","currency":"EUR"}""";
        var id = host.Queues.Enqueue("payments", invalid);

        var deliveries = await host.Queues.DeliverVisibleAsync();

        Assert.Equal([1, 2, 3, 4, 5], deliveries.Select(d => d.DequeueCount));
        Assert.All(deliveries, d => Assert.Equal((id, "ledger-writer", 500), (d.MessageId, d.Function, d.StatusCode)));
        Assert.Equal([QueueDeliveryOutcome.Retried, QueueDeliveryOutcome.Retried, QueueDeliveryOutcome.Retried, QueueDeliveryOutcome.Retried, QueueDeliveryOutcome.Poisoned], deliveries.Select(d => d.Outcome));
        Assert.Empty(host.Queues.Messages("payments"));
        Assert.Equal(invalid, Assert.Single(host.Queues.PoisonMessages("payments")).Text);
        Assert.Contains("amount is required and must be a number", host.HandlerOutput, StringComparison.Ordinal);
    }

    [Fact]
    public async Task LostAcknowledgementAndDuplicates_EachPaymentCountedOnce()
    {
        await using var host = await StartAsync();
        host.Queues.Enqueue("payments", Payment("p-1", 10.00m));
        host.Queues.Enqueue("payments", Payment("p-2", 2.50m));
        host.Queues.Enqueue("payments", Payment("p-1", 10.00m)); // the sender published p-1 twice
        host.Queues.DropNextAcknowledgements("payments", 1); // p-1's first answer is lost: it comes back

        var deliveries = await host.Queues.DeliverVisibleAsync();

        Assert.Equal(4, deliveries.Count);
        Assert.All(deliveries, d => Assert.Equal(200, d.StatusCode));
        var redelivered = Assert.Single(deliveries, d => d.DequeueCount == 2);
        Assert.Equal(deliveries[0].MessageId, redelivered.MessageId);
        Assert.True(deliveries[0].AcknowledgementDropped);
        Assert.Empty(host.Queues.Messages("payments"));
        Assert.Empty(host.Queues.PoisonMessages("payments"));
        var balance = await BalanceAsync(host, "acc-1");
        Assert.Equal(12.50m, balance.GetProperty("balance").GetDecimal());
        Assert.Equal(2, balance.GetProperty("entries").GetInt32());
    }

    [Fact]
    public async Task FailedDelivery_WithRetryDelay_HiddenUntilTheClockPassesIt()
    {
        var profile = DeliveryProfile.AzureStorageQueue with { RetryDelay = TimeSpan.FromSeconds(30), MaxRetryDelay = TimeSpan.FromSeconds(30) };
        await using var host = await StartAsync(profile);
        host.Queues.Enqueue("payments", "not json");

        var first = await host.Queues.DeliverVisibleAsync();
        var tooEarly = await host.Queues.DeliverVisibleAsync();
        _time.Advance(TimeSpan.FromSeconds(30));
        var second = await host.Queues.DeliverVisibleAsync();

        Assert.Equal(QueueDeliveryOutcome.Retried, Assert.Single(first).Outcome);
        Assert.Empty(tooEarly);
        Assert.Equal(2, Assert.Single(second).DequeueCount);
        Assert.Equal(_time.GetUtcNow() + TimeSpan.FromSeconds(30), Assert.Single(host.Queues.Messages("payments")).NextVisibleTime);
    }
}
