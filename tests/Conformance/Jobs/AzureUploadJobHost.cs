using Azure.Storage.Blobs.Models;
using Azure.Storage.Blobs;
using Portable.Compare.Apps;
using Portable.Conformance.Hosts;
using Portable.Core.Patterns.Jobs;
using Portable.Core.State;
using Portable.Emulators.Azure;

namespace Portable.Conformance.Jobs;

/// <summary>
/// The upload-started job as an Azure Functions app (<see cref="AzureAppUnderTest"/>: one isolated worker under the
/// Functions host emulator, <c>jobs-api</c> through the host's front door, <c>job-chunk-worker</c> as the
/// <c>queueTrigger</c> of <c>job-chunks</c> in Azurite, state in Table Storage) with <c>job-upload-starter</c> as its
/// <c>blobTrigger</c> on <c>uploads/{name}</c>. The upload is a real blob upload to the container <c>uploads</c> in
/// Azurite; the host delivers it when its blob scan finds a blob with no receipt for its entity tag
/// (<see cref="Emulators.Azure.Isolated.IsolatedFunctionsHost.ScanBlobsAsync"/>), and the same blob is then delivered
/// twice more (<see cref="Emulators.Azure.Isolated.IsolatedFunctionsHost.RedeliverBlobAsync"/>), as the host's
/// at-least-once blob trigger may after a lost receipt. A delivery is settled when its invocation ended.
/// </summary>
internal sealed class AzureUploadJobHost : IUploadJobHost
{
    private readonly AzureAppUnderTest _app;
    private readonly BlobContainerClient _uploads;
    private string? _blobName;

    private AzureUploadJobHost(AzureAppUnderTest app)
    {
        _app = app;
        _uploads = new BlobServiceClient(app.ConnectionString).GetBlobContainerClient(JobUploadStarter.Bucket);
    }

    public string Name => "azure";

    public string Wiring => $"blob upload to {JobUploadStarter.Bucket} in Azurite, found by the host's blob scan and delivered to the {JobUploadStarter.FunctionName} blobTrigger, then redelivered ({_app.Host.BlobDeliveries.Count} blob deliveries); job-chunk-worker's queueTrigger on {JobChunkWorker.Queue}, state in Table Storage";

    public HttpClient Jobs => _app.Client;

    public IStateStore Store => _app.Store;

    public string Output => _app.Output;

    /// <summary>Starts Azurite, then the app with <paramref name="batchSize"/> queue messages processed at once, then the host's queue listener.</summary>
    public static async Task<IUploadJobHost> StartAsync(int batchSize) =>
        new AzureUploadJobHost(await AzureAppUnderTest.StartAsync("uploadjobs", batchSize));

    public async Task<string> UploadAsync(string key, byte[] content)
    {
        await _uploads.CreateIfNotExistsAsync();
        await _uploads.GetBlobClient(key).UploadAsync(new BinaryData(content), new BlobUploadOptions { HttpHeaders = new BlobHttpHeaders { ContentType = "text/csv" } });
        _blobName = key;
        var delivered = await _app.Host.ScanBlobsAsync();
        var delivery = delivered.SingleOrDefault(d => d.Function == JobUploadStarter.FunctionName && d.BlobName == key)
            ?? throw new Xunit.Sdk.XunitException($"[azure] the blob scan did not deliver {JobUploadStarter.Bucket}/{key} to {JobUploadStarter.FunctionName}: {string.Join("; ", delivered)}\n{CsvJobScenario.Tail(Output)}");
        return Describe(delivery);
    }

    public async Task<string> DeliverAgainAsync()
    {
        var name = _blobName ?? throw new InvalidOperationException("Nothing was uploaded yet.");
        return Describe(await _app.Host.RedeliverBlobAsync(JobUploadStarter.FunctionName, JobUploadStarter.Bucket, name));
    }

    public Task<bool> IsIdleAsync() => _app.IsQueueIdleAsync(JobChunkWorker.Queue);

    public async Task<int> DeadLetterCountAsync() =>
        await _app.DeadLetterCountAsync(JobChunkWorker.Queue) + _app.Host.BlobDeliveries.Count(d => d.Outcome == BlobDeliveryOutcome.Poisoned);

    public void ThrowIfBroken() => _app.ThrowIfBroken();

    public ValueTask DisposeAsync() => _app.DisposeAsync();

    private string Describe(BlobDelivery delivery) =>
        delivery.Outcome == BlobDeliveryOutcome.Completed
            ? $"{delivery.Outcome} after {delivery.Attempts} invocation(s), etag {delivery.ETag}"
            : throw new Xunit.Sdk.XunitException($"[azure] the blob delivery ended {delivery.Outcome} after {delivery.Attempts} invocation(s): {delivery.LastError}\n{CsvJobScenario.Tail(Output)}");
}
