using System.Text;
using Azure.Storage.Queues;
using Microsoft.Extensions.Logging.Abstractions;
using Portable.Azure.Messaging;
using Portable.Core.Messaging;
using Portable.Engines;
using Portable.Emulators.Azure.Isolated;
using Portable.TestKit;

namespace Portable.Azure.Tests.Queues;

/// <summary>The Storage queue publisher and poison sink against Azurite.</summary>
public sealed class StorageQueuePublisherTests(AzuriteFixture azurite) : IClassFixture<AzuriteFixture>
{
    private static string UniqueQueue(string prefix) => $"{prefix}-{Guid.NewGuid():N}"[..20];

    private QueueClient Raw(string queue) => new QueueServiceClient(azurite.ConnectionString).GetQueueClient(queue);

    private QueueClient Decoding(string queue) => StorageQueuePublisher.CreateService(azurite.ConnectionString).GetQueueClient(queue);

    [Fact]
    public async Task PublishAsync_NewQueue_CreatesItAndSendsBase64AsTheHostExpects()
    {
        var publisher = new StorageQueuePublisher(StorageQueuePublisher.CreateService(azurite.ConnectionString));
        var queue = UniqueQueue("pub");
        var body = """{"paymentId":"p-1","account":"acc-1","amount":3.5,"currency":"EUR"}""";

        var id = await publisher.PublishAsync(queue, new OutgoingMessage(Encoding.UTF8.GetBytes(body)));

        var raw = (await Raw(queue).ReceiveMessageAsync()).Value;
        Assert.Equal(id, raw.MessageId);
        Assert.Equal(Convert.ToBase64String(Encoding.UTF8.GetBytes(body)), raw.Body.ToString());
        Assert.Equal(body, Encoding.UTF8.GetString(Convert.FromBase64String(raw.MessageText)));
    }

    [Fact]
    public async Task PublishAsync_TwiceToTheSameQueue_BothArriveInOrder()
    {
        var publisher = new StorageQueuePublisher(StorageQueuePublisher.CreateService(azurite.ConnectionString));
        var queue = UniqueQueue("two");

        await publisher.PublishAsync(queue, new OutgoingMessage(Encoding.UTF8.GetBytes("one")));
        await publisher.PublishAsync(queue, new OutgoingMessage(Encoding.UTF8.GetBytes("two")));

        var messages = (await Decoding(queue).ReceiveMessagesAsync(maxMessages: 10)).Value;
        Assert.Equal(["one", "two"], messages.Select(m => m.Body.ToString()));
    }

    [Fact]
    public async Task PublishAsync_OverSixtyFourKiBInBase64_ThrowsBeforeSending()
    {
        var publisher = new StorageQueuePublisher(StorageQueuePublisher.CreateService(azurite.ConnectionString));

        var ex = await Assert.ThrowsAsync<ArgumentException>(() => publisher.PublishAsync(UniqueQueue("big"), new OutgoingMessage(new byte[50 * 1024])).AsTask());

        Assert.Contains("64 KiB", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task DeadLetterAsync_Message_OriginalBodyInPoisonQueue()
    {
        var publisher = new StorageQueuePublisher(StorageQueuePublisher.CreateService(azurite.ConnectionString));
        var sink = new PoisonQueueDeadLetterSink(publisher, NullLogger<PoisonQueueDeadLetterSink>.Instance);
        var queue = UniqueQueue("dl");
        var message = new IncomingMessage { Id = "m-1", Body = Encoding.UTF8.GetBytes("{\"bad\":true}"), Source = queue, DeliveryCount = 2 };

        await sink.DeadLetterAsync(message, "Invalid payment.");

        var poisoned = (await Decoding(queue + "-poison").ReceiveMessageAsync()).Value;
        Assert.Equal("{\"bad\":true}", poisoned.Body.ToString());
    }

    [Fact]
    public async Task Worker_WithStorageConnection_InvalidPaymentLandsInPaymentsPoisonAndTheInvocationSucceeds()
    {
        await Decoding("payments-poison").DeleteIfExistsAsync();
        await using var host = await IsolatedFunctionsHost.StartAsync(new IsolatedFunctionsHostOptions
        {
            AppDirectory = Path.GetDirectoryName(RepoPaths.BuildOutput("src/Azure", "worker.config.json"))!,
            Environment = new Dictionary<string, string> { ["AzureWebJobsStorage"] = azurite.ConnectionString, ["PORTABLE_TABLES_TABLE"] = "poisonwiring" },
        });

        var result = await host.InvokeAsync("ledger-writer", "{\"paymentId\":\"p-x\",\"amount\":\"lots\"}", new Dictionary<string, string> { ["Id"] = "m-9", ["DequeueCount"] = "1" });

        Assert.Equal(WorkerInvocationStatus.Success, result.Status);
        var poisoned = (await Decoding("payments-poison").ReceiveMessageAsync()).Value;
        Assert.NotNull(poisoned);
        Assert.Equal("{\"paymentId\":\"p-x\",\"amount\":\"lots\"}", poisoned.Body.ToString());
        var log = await host.WaitForLogAsync(l => l.Message.StartsWith("Message m-9 dead-lettered by ledger-writer: ", StringComparison.Ordinal), TimeSpan.FromSeconds(10));
        Assert.Equal(result.InvocationId, log.InvocationId);
    }
}
