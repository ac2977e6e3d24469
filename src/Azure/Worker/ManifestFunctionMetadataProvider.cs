using System.Buffers;
using System.Collections.Immutable;
using System.Text;
using System.Text.Json;
using Microsoft.Azure.Functions.Worker.Core.FunctionMetadata;
using Portable.Azure.Events;
using Portable.Core.Events;
using Portable.Core.Functions;
using Portable.Core.Http;
using Portable.Core.Messaging;
using Portable.Core.Sagas;
using Portable.Core.Schedules;
using Portable.Core.Storage;

namespace Portable.Azure.Worker;

/// <summary>
/// The function metadata the worker reports to the Functions host (its answer to <c>FunctionsMetadataRequest</c>),
/// driven by the manifest so that the manifest stays the one source of truth: every manifest function under its own
/// name — HTTP functions as <c>httpTrigger</c> at the route <see cref="AzureHttpRoutes.Of"/> gives them, with
/// their methods, anonymous, answering through an <c>http</c> <c>$return</c>; queue functions as <c>queueTrigger</c>
/// on their queue over <c>AzureWebJobsStorage</c>; storage functions as <c>blobTrigger</c> on <c>{container}/{prefix}{name}</c>
/// over the same account, with deferred binding; schedule functions as <c>timerTrigger</c> on their NCRONTAB schedule;
/// event functions as <c>queueTrigger</c> on their rule's queue <c>events-{rule}</c>, with the event router
/// (<see cref="EventQueues.RouterFunctionName"/>, a <c>queueTrigger</c> on <see cref="EventQueues.RouterQueue"/>) when
/// there is any — plus the catch-all <see cref="AzureHttpRoutes.FallbackFunctionName"/> function, then whatever <paramref name="attributed"/> reports: the SDK's source-generated provider, which lists the
/// app's own <c>[Function]</c> methods (a Durable orchestrator written the Azure way, say). The worker's metadata
/// transformers (Durable's among them) run over the combined list afterwards.
/// </summary>
/// <param name="functions">The manifest functions' metadata, from <see cref="Describe"/>.</param>
/// <param name="attributed">The provider registered before this one; null when there is none.</param>
public sealed class ManifestFunctionMetadataProvider(IReadOnlyList<IFunctionMetadata> functions, IFunctionMetadataProvider? attributed) : IFunctionMetadataProvider
{
    /// <summary>The language every function reports (what the SDK's provider reports too).</summary>
    public const string Language = "dotnet-isolated";

    /// <summary>The binding name of an HTTP function's trigger.</summary>
    public const string HttpTriggerBindingName = "req";

    /// <summary>The binding name of a queue function's trigger.</summary>
    public const string QueueTriggerBindingName = "message";

    /// <summary>The binding name of a storage function's trigger.</summary>
    public const string BlobTriggerBindingName = "blob";

    /// <summary>The binding name of a schedule function's trigger.</summary>
    public const string TimerTriggerBindingName = "timer";

    /// <summary>The binding name of the function's result, which carries the HTTP response.</summary>
    public const string ReturnBindingName = "$return";

    private static readonly JsonWriterOptions WriterOptions = new() { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    /// <inheritdoc />
    public async Task<ImmutableArray<IFunctionMetadata>> GetFunctionMetadataAsync(string directory)
    {
        var all = ImmutableArray.CreateBuilder<IFunctionMetadata>(functions.Count);
        all.AddRange(functions);
        if (attributed is not null)
        {
            ImmutableArray<IFunctionMetadata> others;
            try
            {
                others = await attributed.GetFunctionMetadataAsync(directory).ConfigureAwait(false);
            }
            catch (FileNotFoundException)
            {
                // The worker's fallback provider reads functions.metadata and fails without it. It is the registered
                // one only when the entry assembly has no source-generated provider (no Worker SDK, so no [Function]
                // methods either): there is nothing else to report.
                others = [];
            }

            var names = functions.Select(f => f.Name).ToHashSet(StringComparer.OrdinalIgnoreCase);
            foreach (var function in others)
            {
                if (function is null)
                {
                    continue;
                }

                if (names.Contains(function.Name ?? string.Empty))
                {
                    throw new InvalidOperationException(
                        $"The [Function] '{function.Name}' ({function.EntryPoint}) has the name of a manifest function (or of the '{AzureHttpRoutes.FallbackFunctionName}' catch-all). Azure function names are unique in an app: rename one.");
                }

                all.Add(function);
            }
        }

        return all.ToImmutable();
    }

    /// <summary>
    /// The metadata of <paramref name="manifest"/>'s functions and the catch-all, in manifest order, each with
    /// <see cref="ManifestFunction.EntryPoint"/> in <paramref name="scriptFile"/> (the assembly holding it, relative to
    /// the app directory). A trigger type without an Azure mapping is a clear error, as is a layout no Azure route
    /// table can hold (see <see cref="AzureHttpRoutes.Of"/>). With <paramref name="durableClient"/> every function also
    /// gets a <c>durableClient</c> input binding, as a <c>[DurableClient]</c> parameter has, so that the host hands each
    /// invocation its Durable task hub's address (the Durable saga runner's, see <see cref="Sagas.DurableClientSource"/>).
    /// </summary>
    public static IReadOnlyList<IFunctionMetadata> Describe(FunctionManifest manifest, string scriptFile, bool durableClient = false)
    {
        ArgumentNullException.ThrowIfNull(manifest);
        ArgumentException.ThrowIfNullOrEmpty(scriptFile);
        var routes = AzureHttpRoutes.Of(manifest).ToDictionary(r => r.FunctionName, StringComparer.Ordinal);
        var described = new List<IFunctionMetadata>(manifest.Functions.Count + 1);
        foreach (var function in manifest.Functions)
        {
            if (function.Trigger is SagaStepTrigger)
            {
                // On Azure a saga's handlers run as Durable activities or through Portable's coordinator, not as a function of their own.
                continue;
            }

            IList<string> bindings = function.Trigger switch
            {
                HttpTrigger => HttpBindings(routes[function.Name]),
                QueueTrigger queue => [QueueBinding(queue.Queue)],
                EventTrigger events => [QueueBinding(EventQueues.OfRule(events.Rule))],
                ScheduleTrigger schedule => [TimerBinding(Ncrontab.From(schedule.Schedule).Expression)],
                StorageTrigger storage => [BlobBinding(storage)],
                var other => throw new NotSupportedException(
                    $"Function '{function.Name}': the isolated worker has no Azure trigger for {other.GetType().Name} yet. Add a case to {nameof(ManifestFunctionMetadataProvider)}.{nameof(Describe)}."),
            };
            described.Add(Metadata(function.Name, scriptFile, WithDurableClient(bindings, durableClient)));
        }

        if (manifest.FunctionsOf<EventTrigger>().Any())
        {
            if (manifest.Functions.Any(f => string.Equals(f.Name, EventQueues.RouterFunctionName, StringComparison.OrdinalIgnoreCase)))
            {
                throw new NotSupportedException($"'{EventQueues.RouterFunctionName}' is the name of the event router the worker declares for the manifest's event functions: rename the manifest function.");
            }

            described.Add(Metadata(EventQueues.RouterFunctionName, scriptFile, WithDurableClient([QueueBinding(EventQueues.RouterQueue)], durableClient)));
        }

        if (routes.TryGetValue(AzureHttpRoutes.FallbackFunctionName, out var fallback))
        {
            described.Add(Metadata(fallback.FunctionName, scriptFile, WithDurableClient(HttpBindings(fallback), durableClient)));
        }

        return described;
    }

    private static DefaultFunctionMetadata Metadata(string name, string scriptFile, IList<string> bindings) => new()
    {
        Name = name,
        EntryPoint = ManifestFunction.EntryPoint,
        ScriptFile = scriptFile,
        Language = Language,
        RawBindings = bindings,
    };

    // The shapes the SDK's generator emits for [HttpTrigger] HttpRequestData → HttpResponseData and [QueueTrigger]
    // string (protocol digest §2.2 item 5, §3.3); direction and dataType are the protobuf enums' names, which the worker
    // parses case-sensitively. No "methods" for a catch-all: every method reaches Core's router, which answers 405.
    private static List<string> HttpBindings(AzureHttpRoute route) =>
    [
        Json(w =>
        {
            w.WriteString("name", HttpTriggerBindingName);
            w.WriteString("type", "httpTrigger");
            w.WriteString("direction", "In");
            w.WriteString("authLevel", "Anonymous");
            if (route.Methods is { } methods)
            {
                w.WriteStartArray("methods");
                foreach (var method in methods)
                {
                    w.WriteStringValue(method.ToLowerInvariant());
                }

                w.WriteEndArray();
            }

            w.WriteString("route", route.Route);
        }),
        Json(w =>
        {
            w.WriteString("name", ReturnBindingName);
            w.WriteString("type", "http");
            w.WriteString("direction", "Out");
        }),
    ];

    private static string QueueBinding(string queue) => Json(w =>
    {
        w.WriteString("name", QueueTriggerBindingName);
        w.WriteString("type", "queueTrigger");
        w.WriteString("direction", "In");
        w.WriteString("queueName", queue);
        w.WriteString("connection", IsolatedWorkerOptions.StorageConnectionSetting);
        w.WriteString("dataType", "String");
    });

    // As the SDK emits [BlobTrigger("…", Connection = "AzureWebJobsStorage")] BlobClient: deferred binding, so the host
    // sends model_binding_data naming the blob instead of its bytes (Worker.Extensions.Storage.Blobs 6.8.2), and the
    // handler reads it through the object store. The prefix goes in the path (the host lists and matches by it); a
    // brace would start a binding expression there, so such a prefix stays out and Core's filter alone applies it,
    // as it applies the suffix (StorageTrigger.Matches).
    private static string BlobBinding(StorageTrigger trigger) => Json(w =>
    {
        var prefix = trigger.Prefix is { } p && p.IndexOfAny(['{', '}']) < 0 ? p : string.Empty;
        w.WriteString("name", BlobTriggerBindingName);
        w.WriteString("type", "blobTrigger");
        w.WriteString("direction", "In");
        w.WriteString("path", $"{trigger.Bucket}/{prefix}{{name}}");
        w.WriteString("connection", IsolatedWorkerOptions.StorageConnectionSetting);
        w.WriteStartObject("properties");
        w.WriteString("supportsDeferredBinding", "True");
        w.WriteEndObject();
    });

    // As the SDK emits [TimerTrigger("…")] TimerInfo: the schedule in NCRONTAB's six fields (seconds first). An app's
    // timers share one time zone, WEBSITE_TIME_ZONE (Ncrontab.AppTimeZone), which the schedule itself cannot carry.
    private static string TimerBinding(string schedule) => Json(w =>
    {
        w.WriteString("name", TimerTriggerBindingName);
        w.WriteString("type", "timerTrigger");
        w.WriteString("direction", "In");
        w.WriteString("schedule", schedule);
    });

    // As the SDK emits [DurableClient] DurableTaskClient: an input binding the Durable extension fills with its hub's JSON.
    private static IList<string> WithDurableClient(IList<string> bindings, bool durableClient)
    {
        if (durableClient)
        {
            bindings.Add(Json(w =>
            {
                w.WriteString("name", Sagas.DurableClientSource.BindingName);
                w.WriteString("type", Sagas.DurableClientSource.BindingName);
                w.WriteString("direction", "In");
            }));
        }

        return bindings;
    }

    private static string Json(Action<Utf8JsonWriter> properties)
    {
        var buffer = new ArrayBufferWriter<byte>(256);
        using (var writer = new Utf8JsonWriter(buffer, WriterOptions))
        {
            writer.WriteStartObject();
            properties(writer);
            writer.WriteEndObject();
        }

        return Encoding.UTF8.GetString(buffer.WrittenSpan);
    }
}
