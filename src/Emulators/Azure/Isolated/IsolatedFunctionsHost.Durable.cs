using System.Text.Json;
using StatusCode = Grpc.Core.StatusCode;
using Microsoft.Extensions.DependencyInjection;
using Portable.Emulators.Azure.Durable;
using Portable.Emulators.Azure.Isolated.Rpc;

namespace Portable.Emulators.Azure.Isolated;

// The Durable extension's part of the host (digest §5): the task hub, invoking orchestrator and activity functions
// over FunctionRpc, its TaskHubSidecarService on the emulator's gRPC server, and the durableClient binding value.
public sealed partial class IsolatedFunctionsHost
{
    private const string DurableClientBindingType = "durableClient";
    private string? _durableClientJson;

    /// <summary>
    /// The Durable task hub, when the worker reported <c>orchestrationTrigger</c> or <c>activityTrigger</c> functions
    /// (null otherwise): it runs their orchestrations over this host's worker, serves <c>TaskHubSidecarService</c> at
    /// <see cref="GrpcAddress"/> to every <c>[DurableClient]</c> binding, and lets a test read statuses and histories.
    /// </summary>
    public DurableTaskHub? Durable { get; private set; }

    /// <summary>The Durable trigger of <paramref name="functionName"/>, by its trigger binding's type.</summary>
    public DurableFunctionKind DurableKindOf(string functionName) => KindOf(FindFunction(functionName));

    private static DurableFunctionKind KindOf(WorkerFunction? function) => function?.Trigger?.Type switch
    {
        { } type when type.Equals("orchestrationTrigger", StringComparison.OrdinalIgnoreCase) => DurableFunctionKind.Orchestrator,
        { } type when type.Equals("activityTrigger", StringComparison.OrdinalIgnoreCase) => DurableFunctionKind.Activity,
        _ => DurableFunctionKind.None,
    };

    // The sidecar is mapped before the worker connects, so before the host knows whether the app uses Durable: the
    // hub is resolved at the first call (a singleton, so no call scope disposes it), and a call to an app without one
    // is answered as a host without the extension would answer it.
    private static void AddDurableServices(IServiceCollection services, IsolatedFunctionsHost host) =>
        services.AddSingleton(_ => host.Durable
            ?? throw new Grpc.Core.RpcException(new Grpc.Core.Status(StatusCode.Unimplemented, "The app has no Durable functions, so the host runs no task hub.")));

    private void CreateDurableHubIfUsed()
    {
        if (Functions.Any(f => KindOf(f) != DurableFunctionKind.None))
        {
            Durable = new DurableTaskHub(new WorkerDurableInvoker(this), DurableKindOf, _options.Durable ?? new DurableTaskHubOptions { TimeProvider = _options.TimeProvider });
        }
    }

    // What the Durable extension's binding provider hands a [DurableClient] parameter (digest §5.5), with the
    // webhook base under the front door as the host's is under its own address.
    private string? DurableClientValue(string bindingType)
    {
        if (Durable is null || !bindingType.Equals(DurableClientBindingType, StringComparison.OrdinalIgnoreCase))
        {
            return null;
        }

        return _durableClientJson ??= Durable.DurableClientBindingJson(GrpcAddress, new Uri(BaseAddress, "runtime/webhooks/durabletask"));
    }

    private async Task StopDurableAsync()
    {
        if (Durable is { } hub)
        {
            await hub.DisposeAsync().ConfigureAwait(false);
        }
    }

    /// <summary>The hub's way to the worker: one ordinary <c>InvocationRequest</c> per episode or activity run (digest §5.1, §5.2).</summary>
    private sealed class WorkerDurableInvoker(IsolatedFunctionsHost host) : IDurableFunctionInvoker
    {
        public async Task<DurableInvocationResult> InvokeAsync(
            string functionName, string triggerValue, IReadOnlyDictionary<string, string> triggerMetadata, CancellationToken cancellationToken)
        {
            var function = host.Function(functionName);
            var metadata = triggerMetadata.Select(e => KeyValuePair.Create(e.Key, TypedDataText.String(e.Value)));
            var (_, response) = await host.InvokeCoreAsync(function, TypedDataText.String(triggerValue), metadata, cancellationToken).ConfigureAwait(false);
            if (response.Result?.Status != StatusResult.Types.Status.Success)
            {
                var exception = response.Result?.Exception;
                return new DurableInvocationResult(false, null, NullIfEmpty(exception?.Type) ?? "(unknown)", exception?.Message ?? Describe(response.Result));
            }

            return DurableInvocationResult.Success(KindOf(function) == DurableFunctionKind.Activity
                ? ActivityResultJson(response.ReturnValue)
                : TypedDataText.Text(response.ReturnValue));
        }

        // The host stores an activity's result as JSON: a JSON return value as it is, anything else serialized
        // (a string becomes a JSON string, bytes a base64 one, as Json.NET writes byte[]); none is null.
        private static string? ActivityResultJson(TypedData? value) => value?.DataCase switch
        {
            null or TypedData.DataOneofCase.None => null,
            TypedData.DataOneofCase.Json => value.Json,
            TypedData.DataOneofCase.String => JsonSerializer.Serialize(value.String),
            TypedData.DataOneofCase.Bytes => JsonSerializer.Serialize(value.Bytes.ToBase64()),
            _ => TypedDataText.Text(value),
        };
    }
}
