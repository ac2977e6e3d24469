using System.Globalization;
using System.Text.Json.Nodes;
using Azure;
using Azure.Storage.Blobs;
using Azure.Storage.Blobs.Models;
using Azure.Storage.Queues;
using Portable.Emulators.Azure.Isolated.Rpc;

namespace Portable.Emulators.Azure.Isolated;

/// <summary>
/// The host's blob trigger (WebJobs Blobs extension 5.3, the polling kind), against the app's storage account:
/// each <c>blobTrigger</c> function's container is listed under its path's literal prefix; a blob matching the path
/// gets a receipt — the empty blob <c>blobreceipts/{hostId}/{functionId}/{etag}/{container}/{blob}</c> in
/// <c>azure-webjobs-hosts</c>, created only if absent (BlobReceiptManager), in the storage account as the host keeps
/// it, so an unchanged blob (same entity tag) triggers once, and a new upload (new tag) again. A blob with a new receipt
/// becomes the host's blob-trigger message <c>{"Type":"BlobTrigger","FunctionId","BlobType","ContainerName","BlobName","ETag"}</c>
/// (BlobTriggerMessage), delivered until an invocation succeeds, at most <see cref="IsolatedFunctionsHostOptions.BlobMaxDequeueCount"/>
/// times, then written base64 to queue <c>webjobs-blobtrigger-poison</c> (HostQueueNames.BlobTriggerPoisonQueue). The
/// emulator keeps that message in memory rather than in <c>azure-webjobs-blobtrigger-{hostId}</c>, one host being one
/// instance. Each delivery first checks the blob still has the entity tag it was queued with (dropped otherwise, as
/// BlobQueueTriggerExecutor does).
/// </summary>
public sealed partial class IsolatedFunctionsHost
{
    /// <summary>The queue a blob-trigger message goes to after its last failed invocation.</summary>
    public const string BlobTriggerPoisonQueue = "webjobs-blobtrigger-poison";

    /// <summary>The container of the host's blob receipts.</summary>
    public const string HostsContainer = "azure-webjobs-hosts";

    private readonly SemaphoreSlim _blobScanGate = new(1, 1);
    private readonly Lock _blobDeliveriesGate = new();
    private readonly List<BlobDelivery> _blobDeliveries = [];
    private CancellationTokenSource? _blobPolling;
    private Task? _blobPollingLoop;

    /// <summary>Every blob delivery so far, in the order they ended.</summary>
    public IReadOnlyList<BlobDelivery> BlobDeliveries
    {
        get
        {
            lock (_blobDeliveriesGate)
            {
                return [.. _blobDeliveries];
            }
        }
    }

    /// <summary>The last error of a background blob scan (<see cref="IsolatedFunctionsHostOptions.BlobPollingInterval"/>), or null.</summary>
    public string? LastBlobScanError { get; private set; }

    /// <summary>
    /// Scans every <c>blobTrigger</c> function's container once and delivers each blob that has no receipt for its
    /// current entity tag yet, one after another; returns those deliveries.
    /// </summary>
    /// <exception cref="InvalidOperationException">A blob function's connection names no app setting.</exception>
    public async Task<IReadOnlyList<BlobDelivery>> ScanBlobsAsync(CancellationToken cancellationToken = default)
    {
        var delivered = new List<BlobDelivery>();
        await _blobScanGate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            foreach (var function in Functions.Where(IsBlobTrigger))
            {
                try
                {
                    await ScanFunctionAsync(function, delivered, cancellationToken).ConfigureAwait(false);
                }
                catch (RequestFailedException ex) when (ex.Status == 404 && ex.ErrorCode == "ContainerNotFound")
                {
                    // No container yet: nothing to trigger on, as the host's listener finds nothing there.
                }
            }
        }
        finally
        {
            _blobScanGate.Release();
        }

        return delivered;
    }

    private async Task ScanFunctionAsync(WorkerFunction function, List<BlobDelivery> delivered, CancellationToken cancellationToken)
    {
        var source = BlobSource(function);
        var path = source.Path;
        var container = source.Service.GetBlobContainerClient(path.Container);
        var receipts = source.Service.GetBlobContainerClient(HostsContainer);
        await foreach (var item in container.GetBlobsAsync(BlobTraits.None, BlobStates.None, path.Prefix, cancellationToken).ConfigureAwait(false))
        {
            if (path.Match(item.Name) is null || item.Properties.ETag is not { } etag)
            {
                continue;
            }

            // A listing gives the entity tag bare, a Get Blob Properties quoted: the host's is the quoted one.
            var tag = Quoted(etag.ToString());
            if (!await TryCreateReceiptAsync(receipts, function, path.Container, item.Name, tag, cancellationToken).ConfigureAwait(false))
            {
                continue; // already triggered for this entity tag
            }

            delivered.Add(await DeliverBlobAsync(function, source, item.Name, tag, cancellationToken).ConfigureAwait(false));
        }
    }

    /// <summary>
    /// Delivers <paramref name="container"/>/<paramref name="blobName"/> to <paramref name="functionName"/> again, as
    /// it is now, whatever its receipt says: the at-least-once duplicate a real host can produce (a blob-trigger message
    /// whose deletion was lost and that is dequeued again, two hosts racing over a lost lease). The same rules apply:
    /// retried up to <c>maxDequeueCount</c> times, then poisoned.
    /// </summary>
    /// <exception cref="ArgumentException">No such function, or it is not blob-triggered.</exception>
    /// <exception cref="InvalidOperationException">The blob does not exist.</exception>
    public async Task<BlobDelivery> RedeliverBlobAsync(string functionName, string container, string blobName, CancellationToken cancellationToken = default)
    {
        var function = Function(functionName);
        if (!IsBlobTrigger(function))
        {
            throw new ArgumentException($"Function '{function.Name}' is not blob-triggered.", nameof(functionName));
        }

        ArgumentException.ThrowIfNullOrEmpty(container);
        ArgumentException.ThrowIfNullOrEmpty(blobName);
        var source = BlobSource(function);
        BlobProperties properties;
        try
        {
            properties = (await source.Service.GetBlobContainerClient(container).GetBlobClient(blobName).GetPropertiesAsync(cancellationToken: cancellationToken).ConfigureAwait(false)).Value;
        }
        catch (RequestFailedException ex) when (ex.Status == 404)
        {
            throw new InvalidOperationException($"Blob {container}/{blobName} does not exist: there is nothing to deliver again.", ex);
        }

        return await DeliverBlobAsync(function, source with { Path = source.Path with { Container = container } }, blobName, Quoted(properties.ETag.ToString()), cancellationToken).ConfigureAwait(false);
    }

    private static string Quoted(string etag) => etag.StartsWith('"') ? etag : $"\"{etag}\"";

    /// <summary>The host's function id of <paramref name="functionName"/> in receipts and blob-trigger messages (<c>Host.Functions.{name}</c>).</summary>
    public static string HostFunctionId(string functionName) => "Host.Functions." + functionName;

    private static bool IsBlobTrigger(WorkerFunction function) => function.Trigger?.Type.Equals("blobTrigger", StringComparison.OrdinalIgnoreCase) == true;

    private void StartBlobPolling()
    {
        if (_options.BlobPollingInterval is not { } interval || !Functions.Any(IsBlobTrigger))
        {
            return;
        }

        _blobPolling = new CancellationTokenSource();
        var token = _blobPolling.Token;
        _blobPollingLoop = Task.Run(async () =>
        {
            while (!token.IsCancellationRequested)
            {
                try
                {
                    await ScanBlobsAsync(token).ConfigureAwait(false);
                    LastBlobScanError = null;
                }
                catch (Exception ex) when (ex is not OperationCanceledException || !token.IsCancellationRequested)
                {
                    // The host logs a failed poll and polls again; so does the emulator.
                    LastBlobScanError = $"{ex.GetType().Name}: {ex.Message}";
                }

                try
                {
                    await Task.Delay(interval, _options.TimeProvider, token).ConfigureAwait(false);
                }
                catch (OperationCanceledException)
                {
                    return;
                }
            }
        }, CancellationToken.None);
    }

    private async Task StopBlobPollingAsync()
    {
        if (_blobPolling is null)
        {
            return;
        }

        await _blobPolling.CancelAsync().ConfigureAwait(false);
        try
        {
            await (_blobPollingLoop ?? Task.CompletedTask).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            // stopped mid-scan
        }

        _blobPolling.Dispose();
    }

    // The function's storage account (its binding's connection: an app setting, or AzureWebJobs + the name, as the
    // host resolves it) and its path.
    private BlobSourceInfo BlobSource(WorkerFunction function)
    {
        var trigger = function.Trigger!;
        var connection = FunctionsScriptRoot.Text(trigger.Properties["connection"]) is { Length: > 0 } name ? name : "AzureWebJobsStorage";
        var value = Setting(connection) ?? Setting("AzureWebJobs" + connection)
            ?? throw new InvalidOperationException($"Function '{function.Name}': its blobTrigger connection '{connection}' names no app setting; give the storage account's connection string in the options' Environment.");
        var path = FunctionsScriptRoot.Text(trigger.Properties["path"])
            ?? throw new InvalidOperationException($"Function '{function.Name}': its blobTrigger has no path.");
        return new BlobSourceInfo(value, new BlobServiceClient(value), BlobPathPattern.Parse(path, function.Name));
    }

    private string? Setting(string name) =>
        _options.Environment.GetValueOrDefault(name) is { Length: > 0 } value ? value : System.Environment.GetEnvironmentVariable(name) is { Length: > 0 } env ? env : null;

    private async Task<bool> TryCreateReceiptAsync(BlobContainerClient receipts, WorkerFunction function, string container, string blobName, string etag, CancellationToken cancellationToken)
    {
        // The entity tag goes before the blob name, which may hold slashes (BlobReceiptManager.CreateReference).
        var receipt = receipts.GetBlobClient($"blobreceipts/{_options.HostId}/{HostFunctionId(function.Name)}/{etag}/{container}/{blobName}");
        var conditions = new BlobUploadOptions { Conditions = new BlobRequestConditions { IfNoneMatch = ETag.All } };
        for (var attempt = 0; ; attempt++)
        {
            try
            {
                await receipt.UploadAsync(BinaryData.Empty, conditions, cancellationToken).ConfigureAwait(false);
                return true;
            }
            catch (RequestFailedException ex) when (ex.Status is 409 or 412)
            {
                return false;
            }
            catch (RequestFailedException ex) when (ex.Status == 404 && attempt == 0)
            {
                await receipts.CreateIfNotExistsAsync(cancellationToken: cancellationToken).ConfigureAwait(false);
            }
        }
    }

    private async Task<BlobDelivery> DeliverBlobAsync(WorkerFunction function, BlobSourceInfo source, string blobName, string etag, CancellationToken cancellationToken)
    {
        var path = source.Path;
        var blob = source.Service.GetBlobContainerClient(path.Container).GetBlobClient(blobName);
        var ids = new List<string>();
        string? lastError = null;
        var max = Math.Max(_options.BlobMaxDequeueCount, 1);
        for (var attempt = 1; attempt <= max; attempt++)
        {
            // BlobQueueTriggerExecutor: the blob must still exist with the entity tag it was queued with.
            BlobProperties properties;
            try
            {
                properties = (await blob.GetPropertiesAsync(cancellationToken: cancellationToken).ConfigureAwait(false)).Value;
            }
            catch (RequestFailedException ex) when (ex.Status == 404)
            {
                return Record(new BlobDelivery(function.Name, path.Container, blobName, etag, attempt - 1, BlobDeliveryOutcome.Dropped, ids, "The blob no longer exists."));
            }

            if (!string.Equals(Quoted(properties.ETag.ToString()), etag, StringComparison.Ordinal))
            {
                return Record(new BlobDelivery(function.Name, path.Container, blobName, etag, attempt - 1, BlobDeliveryOutcome.Dropped, ids, $"The blob changed: its entity tag is now {properties.ETag}."));
            }

            var trigger = await BlobTriggerDataAsync(function, blob, cancellationToken).ConfigureAwait(false);
            var (id, response) = await InvokeCoreAsync(function, trigger, BlobTriggerMetadata(blob, path, properties), cancellationToken).ConfigureAwait(false);
            ids.Add(id);
            if (response.Result?.Status == StatusResult.Types.Status.Success)
            {
                return Record(new BlobDelivery(function.Name, path.Container, blobName, etag, attempt, BlobDeliveryOutcome.Completed, ids, lastError));
            }

            lastError = Describe(response.Result);
        }

        var message = new JsonObject
        {
            ["Type"] = "BlobTrigger",
            ["FunctionId"] = HostFunctionId(function.Name),
            ["BlobType"] = "BlockBlob",
            ["ContainerName"] = path.Container,
            ["BlobName"] = blobName,
            ["ETag"] = etag,
        };
        var poison = new QueueServiceClient(source.Connection, new QueueClientOptions { MessageEncoding = QueueMessageEncoding.Base64 }).GetQueueClient(BlobTriggerPoisonQueue);
        await poison.CreateIfNotExistsAsync(cancellationToken: cancellationToken).ConfigureAwait(false);
        await poison.SendMessageAsync(message.ToJsonString(), cancellationToken).ConfigureAwait(false);
        return Record(new BlobDelivery(function.Name, path.Container, blobName, etag, max, BlobDeliveryOutcome.Poisoned, ids, lastError));
    }

    private BlobDelivery Record(BlobDelivery delivery)
    {
        lock (_blobDeliveriesGate)
        {
            _blobDeliveries.Add(delivery);
        }

        return delivery;
    }

    // With supportsDeferredBinding the Blobs extension hands over the blob's address as model binding data
    // (BlobsExtensionConfigProvider.CreateParameterBindingData: {Connection, ContainerName, BlobName}); otherwise the
    // trigger value is the blob's bytes.
    private static async Task<TypedData> BlobTriggerDataAsync(WorkerFunction function, BlobClient blob, CancellationToken cancellationToken)
    {
        var deferred = function.Trigger?.Properties["properties"] is JsonObject properties
            && string.Equals(properties["supportsDeferredBinding"]?.ToString(), "True", StringComparison.OrdinalIgnoreCase);
        if (!deferred)
        {
            var content = (await blob.DownloadContentAsync(cancellationToken).ConfigureAwait(false)).Value.Content;
            return TypedDataText.Bytes(content.ToMemory().Span);
        }

        var connection = FunctionsScriptRoot.Text(function.Trigger!.Properties["connection"]) is { Length: > 0 } name ? name : "AzureWebJobsStorage";
        var address = new JsonObject { ["Connection"] = connection, ["ContainerName"] = blob.BlobContainerName, ["BlobName"] = blob.Name };
        return new TypedData
        {
            ModelBindingData = new ModelBindingData
            {
                Version = "1.0",
                Source = "AzureStorageBlobs",
                ContentType = "application/json",
                Content = Google.Protobuf.ByteString.CopyFromUtf8(address.ToJsonString()),
            },
        };
    }

    // The binding data of BlobTriggerBinding.CreateBindingData, typed as the host's RPC conversion types it: BlobTrigger
    // and the path's parameters as strings, Uri as a JSON string, Properties and Metadata as JSON objects. Properties is
    // the SDK's BlobProperties as Newtonsoft writes it: PascalCase, DateTimeOffsets with their offset, enums as numbers,
    // and "ETag":{} (Azure.ETag has no public member to write; seen in captured invocations).
    private static List<KeyValuePair<string, TypedData>> BlobTriggerMetadata(BlobClient blob, BlobPathPattern path, BlobProperties properties)
    {
        var metadata = new JsonObject();
        foreach (var (key, value) in properties.Metadata)
        {
            metadata[key] = value;
        }

        var json = new JsonObject
        {
            ["LastModified"] = Newtonsoft(properties.LastModified),
            ["CreatedOn"] = Newtonsoft(properties.CreatedOn),
            ["Metadata"] = metadata.DeepClone(),
            ["BlobType"] = (int)properties.BlobType,
            ["ContentLength"] = properties.ContentLength,
            ["ContentType"] = properties.ContentType,
            ["ETag"] = new JsonObject(),
            ["ContentHash"] = properties.ContentHash is { Length: > 0 } hash ? Convert.ToBase64String(hash) : null,
            ["ContentEncoding"] = properties.ContentEncoding,
            ["ContentDisposition"] = properties.ContentDisposition,
            ["ContentLanguage"] = properties.ContentLanguage,
            ["CacheControl"] = properties.CacheControl,
            ["AcceptRanges"] = properties.AcceptRanges,
            ["IsServerEncrypted"] = properties.IsServerEncrypted,
            ["AccessTier"] = properties.AccessTier,
            ["VersionId"] = properties.VersionId,
            ["IsLatestVersion"] = properties.IsLatestVersion,
        };
        var entries = new List<KeyValuePair<string, TypedData>>
        {
            new("BlobTrigger", TypedDataText.String($"{blob.BlobContainerName}/{blob.Name}")),
            new("Uri", TypedDataText.Json(System.Text.Json.JsonSerializer.Serialize(blob.Uri.AbsoluteUri))),
            new("Properties", TypedDataText.Json(json.ToJsonString())),
            new("Metadata", TypedDataText.Json(metadata.ToJsonString())),
        };
        if (path.Match(blob.Name) is { } parameters)
        {
            entries.AddRange(parameters.Select(p => KeyValuePair.Create(p.Key, TypedDataText.String(p.Value))));
        }

        return entries;
    }

    private static string Newtonsoft(DateTimeOffset time) => time.ToString("yyyy'-'MM'-'dd'T'HH':'mm':'ss.FFFFFFFK", CultureInfo.InvariantCulture);

    private readonly record struct BlobSourceInfo(string Connection, BlobServiceClient Service, BlobPathPattern Path);

    // A blobTrigger path: "{container}/{literal prefix}{parameter}{literal suffix}" (the shapes Portable writes and the
    // common ones; a container pattern or several parameters are not emulated).
    private readonly record struct BlobPathPattern(string Container, string Prefix, string? Parameter, string Suffix)
    {
        public static BlobPathPattern Parse(string path, string function)
        {
            var slash = path.IndexOf('/', StringComparison.Ordinal);
            var container = slash < 0 ? path : path[..slash];
            var blob = slash < 0 ? string.Empty : path[(slash + 1)..];
            if (container.Length == 0 || container.Contains('{', StringComparison.Ordinal))
            {
                throw new InvalidOperationException($"Function '{function}': blobTrigger path '{path}' needs a literal container name.");
            }

            var open = blob.IndexOf('{', StringComparison.Ordinal);
            if (open < 0)
            {
                return new BlobPathPattern(container, blob, null, string.Empty);
            }

            var close = blob.IndexOf('}', open);
            if (close < 0 || blob.IndexOf('{', close) >= 0)
            {
                throw new InvalidOperationException($"Function '{function}': blobTrigger path '{path}' has more than one parameter, which the emulator does not match.");
            }

            return new BlobPathPattern(container, blob[..open], blob[(open + 1)..close], blob[(close + 1)..]);
        }

        // The path's parameters for a blob name, or null when the name does not match.
        public Dictionary<string, string>? Match(string blobName)
        {
            if (Parameter is null)
            {
                return Prefix.Length == 0 || string.Equals(blobName, Prefix, StringComparison.Ordinal) ? [] : null;
            }

            if (!blobName.StartsWith(Prefix, StringComparison.Ordinal) || !blobName.EndsWith(Suffix, StringComparison.Ordinal) || blobName.Length < Prefix.Length + Suffix.Length + 1)
            {
                return null;
            }

            return new Dictionary<string, string>(StringComparer.Ordinal) { [Parameter] = blobName[Prefix.Length..^Suffix.Length] };
        }
    }
}
