namespace Portable.Azure.Layout;

/// <summary>
/// Azure-only choices the manifest does not make, because they mean nothing on the other clouds: which service a
/// queue function listens on and the app-setting names of the connections. The committed <c>deploy/azure</c> is
/// generated with <see cref="Default"/> (every queue function on Storage Queues); pick Service Bus for a function
/// with <c>Portable.Azure --write-layout DIR --service-bus ledger-writer</c> (comma-separated names).
/// </summary>
public sealed record AzureLayoutOptions
{
    /// <summary>The app setting holding the Storage connection (the host's own storage account by default).</summary>
    public const string DefaultStorageConnection = "AzureWebJobsStorage";

    /// <summary>The app setting holding the Service Bus connection string.</summary>
    public const string DefaultServiceBusConnection = "ServiceBusConnection";

    /// <summary>Every queue function on Storage Queues, connections under their default names.</summary>
    public static AzureLayoutOptions Default { get; } = new();

    /// <summary>Names of the queue functions that listen on Service Bus instead of a Storage queue.</summary>
    public IReadOnlySet<string> ServiceBusFunctions { get; init; } = new HashSet<string>(StringComparer.Ordinal);

    /// <summary>The <c>connection</c> of <c>queueTrigger</c> bindings.</summary>
    public string StorageConnection { get; init; } = DefaultStorageConnection;

    /// <summary>The <c>connection</c> of <c>serviceBusTrigger</c> bindings.</summary>
    public string ServiceBusConnection { get; init; } = DefaultServiceBusConnection;

    /// <summary>The service feeding <paramref name="functionName"/>.</summary>
    public AzureQueueService ServiceFor(string functionName) =>
        ServiceBusFunctions.Contains(functionName) ? AzureQueueService.ServiceBus : AzureQueueService.StorageQueue;

    /// <summary>Options selecting Service Bus for the comma-separated <paramref name="functionNames"/>.</summary>
    public static AzureLayoutOptions WithServiceBus(string functionNames)
    {
        ArgumentNullException.ThrowIfNull(functionNames);
        var names = functionNames.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        return new AzureLayoutOptions { ServiceBusFunctions = new HashSet<string>(names, StringComparer.Ordinal) };
    }
}
