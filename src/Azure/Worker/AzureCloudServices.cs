using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Portable.Azure.Events;
using Portable.Azure.Messaging;
using Portable.Azure.State;
using Portable.Azure.Storage;
using Portable.Core.App;

namespace Portable.Azure.Worker;

/// <summary>
/// The Azure pieces of the isolated worker's composition root: state in Table
/// Storage when a storage account is configured (<c>PORTABLE_TABLES_CONNECTION</c>, else the host's
/// <c>AzureWebJobsStorage</c>; without one the in-memory default serves a single instance), Storage queues for
/// publishing, for events (the <c>portable-events</c> queue the router function reads) and the
/// <c>&lt;queue&gt;-poison</c> dead letters, Blob Storage as the object store storage functions read
/// through (<see cref="BlobObjectStore"/>, same account), and throttling and 5xx as transient faults.
/// </summary>
internal static class AzureCloudServices
{
    /// <summary>The cloud services over <paramref name="storageConnection"/> (the value of <c>AzureWebJobsStorage</c>, or null).</summary>
    public static CloudServices For(string? storageConnection)
    {
        var tables = NonEmpty(Environment.GetEnvironmentVariable(TableStorageStateStoreOptions.ConnectionVariable)) is not null
            ? TableStorageStateStoreOptions.FromEnvironment()
            : storageConnection is { } connection
                ? new TableStorageStateStoreOptions(connection, NonEmpty(Environment.GetEnvironmentVariable(TableStorageStateStoreOptions.TableVariable)) ?? TableStorageStateStore.DefaultTableName)
                : null;
        var storage = storageConnection;
        return new CloudServices
        {
            OpenStateStore = tables is null
                ? null
                : async (time, ct) =>
                {
                    try
                    {
                        return await TableStorageStateStoreOptions.CreateAsync(tables, time, ct).ConfigureAwait(false);
                    }
                    catch (Exception ex) when (ex is global::Azure.RequestFailedException or HttpRequestException or AggregateException)
                    {
                        throw new Core.State.StateStoreUnreachableException($"The Table Storage state store (table {tables.TableName}) could not be reached: {ex.Message}", ex);
                    }
                },
            Services = storage is null ? null : services =>
            {
                services.AddSingleton(_ => new StorageQueuePublisher(StorageQueuePublisher.CreateService(storage)));
                // The blob trigger's worker side reads entity tags through the raw store; handlers get Core's resilient one.
                services.AddSingleton(_ => new BlobObjectStore(BlobObjectStore.CreateService(storage)));
            },
            ObjectStore = storage is null ? null : sp => sp.GetRequiredService<BlobObjectStore>(),
            Publisher = storage is null ? null : sp => sp.GetRequiredService<StorageQueuePublisher>(),
            EventPublisher = storage is null ? null : sp => new StorageQueueEventPublisher(sp.GetRequiredService<StorageQueuePublisher>()),
            DeadLetters = storage is null ? null : sp => new PoisonQueueDeadLetterSink(sp.GetRequiredService<StorageQueuePublisher>(), sp.GetRequiredService<ILogger<PoisonQueueDeadLetterSink>>()),
            IsTransient = e => e is global::Azure.RequestFailedException { Status: 408 or 429 or >= 500 },
        };
    }

    private static string? NonEmpty(string? value) => string.IsNullOrWhiteSpace(value) ? null : value;
}
