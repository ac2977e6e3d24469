using System.Collections.Concurrent;
using System.Text.Json;
using Grpc.Core;
using Grpc.Core.Interceptors;
using Grpc.Net.Client;
using Microsoft.DurableTask.Client;
using Microsoft.DurableTask.Client.Grpc;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Portable.Azure.Sagas;

/// <summary>
/// The Durable client of the worker's manifest functions. The Functions host's Durable extension serves its task hub
/// over gRPC at an address it tells a function only through a <c>durableClient</c> input binding (JSON naming
/// <c>taskHubName</c> and <c>rpcBaseUrl</c>), so with the Durable runner every manifest function carries that binding
/// and <see cref="Worker.ManifestFunctionDispatcher"/> hands each invocation's value to <see cref="Use"/>. The client
/// is made once per hub and address, as the extension's own client provider does, with the <c>TaskHubName</c>
/// header on every call and the worker's Durable data converter.
/// </summary>
public sealed class DurableClientSource : IAsyncDisposable
{
    /// <summary>The binding's name and type in a manifest function's metadata.</summary>
    public const string BindingName = "durableClient";

    private readonly ConcurrentDictionary<(string Hub, string Address), Lazy<Holder>> clients = new();
    private readonly ILoggerFactory loggers;
    private readonly IOptions<DurableTaskClientOptions>? options;
    private volatile Holder? current;

    /// <summary>Creates the source; <paramref name="options"/> gives the data converter (the worker's serializer, as the extension configures it).</summary>
    public DurableClientSource(ILoggerFactory loggers, IOptions<DurableTaskClientOptions>? options = null)
    {
        ArgumentNullException.ThrowIfNull(loggers);
        this.loggers = loggers;
        this.options = options;
    }

    /// <summary>The client of the last binding value seen.</summary>
    /// <exception cref="InvalidOperationException">No invocation has carried a <c>durableClient</c> binding yet.</exception>
    public DurableTaskClient Client => current?.Client ?? throw new InvalidOperationException(
        "No Durable client: no invocation of this worker has carried a durableClient binding. The Durable saga runner adds one to every manifest function; is the Durable extension loaded by the host?");

    /// <summary>The client for a <c>durableClient</c> binding value, made at its first use; it becomes <see cref="Client"/>.</summary>
    /// <exception cref="ArgumentException">The value is not the binding's JSON with a <c>taskHubName</c> and an absolute <c>rpcBaseUrl</c>.</exception>
    public DurableTaskClient Use(string bindingValue)
    {
        ArgumentNullException.ThrowIfNull(bindingValue);
        var (hub, address, maxMessage) = Read(bindingValue);
        var holder = clients.GetOrAdd((hub, address), key => new Lazy<Holder>(() => Create(key.Hub, key.Address, maxMessage))).Value;
        current = holder;
        return holder.Client;
    }

    /// <summary>Disposes every client and its channel.</summary>
    public async ValueTask DisposeAsync()
    {
        foreach (var holder in clients.Values.Where(l => l.IsValueCreated).Select(l => l.Value))
        {
            await holder.Client.DisposeAsync().ConfigureAwait(false);
            holder.Channel.Dispose();
        }

        clients.Clear();
    }

    private static (string Hub, string Address, int? MaxMessage) Read(string bindingValue)
    {
        try
        {
            using var document = JsonDocument.Parse(bindingValue);
            var root = document.RootElement;
            var hub = root.TryGetProperty("taskHubName", out var name) && name.ValueKind == JsonValueKind.String ? name.GetString()! : string.Empty;
            var address = root.TryGetProperty("rpcBaseUrl", out var url) && url.ValueKind == JsonValueKind.String ? url.GetString() : null;
            if (address is null || !Uri.TryCreate(address, UriKind.Absolute, out _))
            {
                throw new ArgumentException($"The durableClient binding names no absolute rpcBaseUrl: {bindingValue}", nameof(bindingValue));
            }

            int? maxMessage = root.TryGetProperty("maxGrpcMessageSizeInBytes", out var max) && max.TryGetInt32(out var bytes) && bytes > 0 ? bytes : null;
            return (hub, address, maxMessage);
        }
        catch (JsonException ex)
        {
            throw new ArgumentException($"The durableClient binding is not JSON: {ex.Message}", nameof(bindingValue), ex);
        }
    }

    private Holder Create(string hub, string address, int? maxMessage)
    {
        var channel = GrpcChannel.ForAddress(address, new GrpcChannelOptions { MaxReceiveMessageSize = maxMessage, MaxSendMessageSize = maxMessage });
        var invoker = channel.Intercept(metadata =>
        {
            metadata.Add("TaskHubName", hub);
            return metadata;
        });
        var clientOptions = new GrpcDurableTaskClientOptions { CallInvoker = invoker };
        if (options?.Value.DataConverter is { } converter)
        {
            clientOptions.DataConverter = converter;
        }

        return new Holder(new GrpcDurableTaskClient(hub, clientOptions, loggers.CreateLogger<GrpcDurableTaskClient>()), channel);
    }

    private sealed record Holder(DurableTaskClient Client, GrpcChannel Channel);
}
