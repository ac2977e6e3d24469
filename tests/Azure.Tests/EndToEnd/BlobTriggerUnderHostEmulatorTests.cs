using System.Text.Json;
using Azure.Storage.Blobs;
using Azure.Storage.Blobs.Models;
using Azure.Storage.Queues;
using Portable.BlobWorkerApp;
using Portable.Emulators.Azure;
using Portable.Emulators.Azure.Isolated;
using Portable.Engines;
using Portable.TestKit;

namespace Portable.Azure.Tests.EndToEnd;

/// <summary>
/// Storage functions on the real isolated worker (tests/BlobWorkerApp) under the Functions host emulator's blob
/// trigger, against Azurite: the host scans the container, the worker maps the invocation (deferred binding, the
/// entity tag from the store) to Core's ObjectCreated and the handler reads the blob through the Blob object store.
/// </summary>
public sealed class BlobTriggerUnderHostEmulatorTests(AzuriteFixture azurite) : IClassFixture<AzuriteFixture>
{
    private readonly BlobServiceClient _blobs = new(azurite.ConnectionString);

    private Task<IsolatedFunctionsHost> StartAsync(TimeSpan? polling = null) => IsolatedFunctionsHost.StartAsync(new IsolatedFunctionsHostOptions
    {
        AppDirectory = Path.GetDirectoryName(RepoPaths.BuildOutput("tests/BlobWorkerApp", "worker.config.json"))!,
        Environment = new Dictionary<string, string>
        {
            ["AzureWebJobsStorage"] = azurite.ConnectionString,
            ["PORTABLE_TABLES_TABLE"] = $"blobs{Guid.NewGuid():N}"[..20],
        },
        BlobPollingInterval = polling,
    });

    private async Task<string> UploadAsync(string container, string name, string text)
    {
        var client = _blobs.GetBlobContainerClient(container);
        await client.CreateIfNotExistsAsync();
        var uploaded = await client.GetBlobClient(name).UploadAsync(BinaryData.FromString(text), new BlobUploadOptions { HttpHeaders = new BlobHttpHeaders { ContentType = "text/plain" } });
        return uploaded.Value.ETag.ToString();
    }

    private static List<string[]> Reads(IsolatedFunctionsHost host, string key) =>
        [.. host.Logs.Where(l => l.Message.StartsWith(BlobApp.ReadMarker, StringComparison.Ordinal)).Select(l => l.Message.Split('|')).Where(p => p[2] == key)];

    [Fact]
    public async Task Upload_RunsTheFunctionOnceAndItReadsTheContentThroughTheStore()
    {
        await using var host = await StartAsync();
        var key = $"in/{Guid.NewGuid():N}.txt";
        var etag = await UploadAsync("blob-inbox", key, "hello from azurite");

        var first = await host.ScanBlobsAsync();
        var second = await host.ScanBlobsAsync();

        var delivery = Assert.Single(first, d => d.BlobName == key);
        Assert.Equal((BlobApp.Reader, BlobDeliveryOutcome.Completed, 1), (delivery.Function, delivery.Outcome, delivery.Attempts));
        Assert.DoesNotContain(second, d => d.BlobName == key); // the receipt for this entity tag is there
        var read = Assert.Single(Reads(host, key));
        Assert.Equal(["read", "blob-inbox", key, etag.Trim('"'), "18", "text/plain", "", "hello from azurite"], read);
    }

    [Fact]
    public async Task BlobsOutsideThePrefixOrSuffix_DoNotRunTheHandler()
    {
        await using var host = await StartAsync();
        var id = Guid.NewGuid().ToString("N");
        await UploadAsync("blob-inbox", $"out/{id}.txt", "outside the prefix");
        await UploadAsync("blob-inbox", $"in/{id}.csv", "outside the suffix");

        var deliveries = await host.ScanBlobsAsync();

        // The prefix is in the blobTrigger path, so the host never lists out/; the suffix is Core's filter.
        Assert.DoesNotContain(deliveries, d => d.BlobName == $"out/{id}.txt");
        Assert.Equal(BlobDeliveryOutcome.Completed, Assert.Single(deliveries, d => d.BlobName == $"in/{id}.csv").Outcome);
        Assert.Empty(Reads(host, $"out/{id}.txt"));
        Assert.Empty(Reads(host, $"in/{id}.csv"));
    }

    [Fact]
    public async Task SameBlobDeliveredThreeTimes_RunsOnce_ANewUploadRunsAgain()
    {
        await using var host = await StartAsync();
        var key = $"in/{Guid.NewGuid():N}.txt";
        await UploadAsync("blob-inbox", key, "v1");
        await host.ScanBlobsAsync();

        var again = await host.RedeliverBlobAsync(BlobApp.Reader, "blob-inbox", key);
        var third = await host.RedeliverBlobAsync(BlobApp.Reader, "blob-inbox", key);

        Assert.All(new[] { again, third }, d => Assert.Equal(BlobDeliveryOutcome.Completed, d.Outcome));
        Assert.Single(Reads(host, key)); // Core's idempotency: blob-inbox/{key}#e:{etag}

        await UploadAsync("blob-inbox", key, "v2"); // a new entity tag: a new upload
        await host.ScanBlobsAsync();
        Assert.Equal(["v1", "v2"], Reads(host, key).Select(r => r[^1]));
    }

    [Fact]
    public async Task AlwaysFailingFunction_FiveAttemptsThenThePoisonQueueInTheHostsShape()
    {
        await using var host = await StartAsync();
        var key = $"poison/{Guid.NewGuid():N}.bin";
        var etag = await UploadAsync("blob-fail", key, "bad");

        var delivery = Assert.Single(await host.ScanBlobsAsync(), d => d.BlobName == key);

        Assert.Equal((BlobApp.Failing, BlobDeliveryOutcome.Poisoned, 5), (delivery.Function, delivery.Outcome, delivery.Attempts));
        Assert.Equal(5, delivery.InvocationIds.Distinct().Count());
        Assert.Contains($"cannot process {key}", delivery.LastError, StringComparison.Ordinal);
        var poison = new QueueClient(azurite.ConnectionString, IsolatedFunctionsHost.BlobTriggerPoisonQueue, new QueueClientOptions { MessageEncoding = QueueMessageEncoding.Base64 });
        var messages = (await poison.PeekMessagesAsync(32)).Value.Select(m => JsonDocument.Parse(m.Body.ToString()).RootElement).ToList();
        var message = Assert.Single(messages, m => m.GetProperty("BlobName").GetString() == key);
        Assert.Equal("BlobTrigger", message.GetProperty("Type").GetString());
        Assert.Equal("Host.Functions.blob-failing", message.GetProperty("FunctionId").GetString());
        Assert.Equal("BlockBlob", message.GetProperty("BlobType").GetString());
        Assert.Equal("blob-fail", message.GetProperty("ContainerName").GetString());
        Assert.Equal(etag, message.GetProperty("ETag").GetString());
    }

    [Fact]
    public async Task BlobNameWithSpacesUnicodeAndSlashes_MapsToTheSameKey()
    {
        await using var host = await StartAsync(polling: TimeSpan.FromMilliseconds(100));
        var key = $"in/{Guid.NewGuid():N}/sub dir/naïve résumé 日本 #1.txt";
        await UploadAsync("blob-inbox", key, "unicode ok");

        // Found by the background scan this time.
        var log = await host.WaitForLogAsync(l => l.Message.StartsWith(BlobApp.ReadMarker, StringComparison.Ordinal) && l.Message.Contains(key, StringComparison.Ordinal), TimeSpan.FromSeconds(30));

        var read = log.Message.Split('|');
        Assert.Equal(("blob-inbox", key, "unicode ok"), (read[1], read[2], read[^1]));
    }
}
