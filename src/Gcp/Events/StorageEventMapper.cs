using Portable.Core.Functions;
using Portable.Core.Http;
using Portable.Core.Invocation;
using Portable.Core.Messaging;
using Portable.Core.Storage;
using Portable.Gcp.Triggers;
using Portable.Hosting;

namespace Portable.Gcp.Events;

/// <summary>
/// Storage functions on Cloud Run: an Eventarc <c>google.cloud.storage.object.v1.finalized</c> CloudEvent (binary or
/// structured mode) or a legacy <c>google.storage.object.finalize</c> background event, read by
/// <see cref="CloudEventReader"/> and <see cref="GcsObjectEventReader"/>, becomes a neutral <see cref="ObjectCreated"/>
/// (version = generation, so a redelivery of one write is deduplicated) run through <see cref="StorageInvoker"/>.
/// Each function answers at <c>/{functionName}</c>, or at every path when <c>FUNCTION_TARGET</c> names it. 204 when
/// the event was handled, suppressed as a duplicate, outside the trigger's prefix/suffix filter, or dead-lettered; 500
/// when it must be retried (Eventarc redelivers on any non-2xx); other Cloud Storage event types (deleted, archived,
/// metadataUpdated) 204 without running the handler, as the AWS mapper ignores S3 records that are not creations;
/// 400 with a JSON error body for a request that is no CloudEvent, a finalized event without an object, or an event
/// that is not from Cloud Storage; 405 for anything but POST; 413 past <see cref="CloudEventMapper.MaxBodyBytes"/>.
/// </summary>
internal sealed partial class StorageEventMapper : CloudRunTriggerMapper<StorageTrigger>
{
    /// <summary>The prefix of every Cloud Storage CloudEvent type (google-cloudevents <c>storage/v1/events.proto</c>).</summary>
    public const string StorageTypePrefix = "google.cloud.storage.object.v1.";

    /// <inheritdoc />
    public override string Description => "storage (Eventarc google.cloud.storage.object.v1.finalized, binary or structured, or a legacy google.storage.object.finalize event, POST /{function})";

    /// <summary>Runs one storage event for <paramref name="function"/> and answers with the status Eventarc reads.</summary>
    public static async Task HandleAsync(HttpContext context, InvocationInfo info, StorageInvoker invoker, FunctionDefinition function, ILogger log)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(invoker);
        ArgumentNullException.ThrowIfNull(function);
        var request = context.Request;
        if (!HttpMethods.IsPost(request.Method))
        {
            await WriteAsync(context, PortableHttpResponse.Error(405, $"Storage function '{function.Name}' takes Cloud Storage events: POST only.", headers: HeaderMap.Empty.With("Allow", "POST"))).ConfigureAwait(false);
            return;
        }

        var body = await AspNetCoreBridge.ReadBodyAsync(request.Body, request.ContentLength, CloudEventMapper.MaxBodyBytes, context.RequestAborted).ConfigureAwait(false);
        if (body.Length > CloudEventMapper.MaxBodyBytes)
        {
            await WriteAsync(context, PortableHttpResponse.Error(413, $"The event is larger than {CloudEventMapper.MaxBodyBytes} bytes.")).ConfigureAwait(false);
            return;
        }

        if (!CloudEventReader.TryRead(request.ContentType, request.Headers, body.Span, request.Path.Value, out var cloudEvent, out _, out var error))
        {
            await RefuseAsync(context, log, function, error).ConfigureAwait(false);
            return;
        }

        if (!string.Equals(cloudEvent.Type, GcsObjectEventReader.FinalizedType, StringComparison.Ordinal)
            && cloudEvent.Type.StartsWith(StorageTypePrefix, StringComparison.Ordinal))
        {
            // A trigger on the bucket for another event type: nothing was created, so nothing to run, and no retry.
            LogIgnored(log, function.Name, cloudEvent.Type, cloudEvent.Id);
            await WriteAsync(context, PortableHttpResponse.Empty(204)).ConfigureAwait(false);
            return;
        }

        if (!GcsObjectEventReader.TryRead(cloudEvent, out var finalized, out error))
        {
            await RefuseAsync(context, log, function, error).ConfigureAwait(false);
            return;
        }

        var created = ToObjectCreated(finalized);
        var result = await invoker.InvokeAsync(function, created, info, context.RequestAborted).ConfigureAwait(false);
        LogSettled(log, function.Name, cloudEvent.Id, created.Bucket, created.Key, result.Outcome, result.Reason);
        await WriteAsync(context, result.Outcome == MessageOutcome.Retry
            ? PortableHttpResponse.Error(500, result.Reason ?? "The event must be retried.", new Dictionary<string, string>
            {
                ["id"] = cloudEvent.Id,
                ["bucket"] = created.Bucket,
                ["name"] = created.Key,
            })
            : PortableHttpResponse.Empty(204)).ConfigureAwait(false);
    }

    /// <summary>The neutral event of a new Cloud Storage object: the generation is its version, <c>timeCreated</c> its time.</summary>
    public static ObjectCreated ToObjectCreated(GcsObjectFinalized finalized)
    {
        ArgumentNullException.ThrowIfNull(finalized);
        return new ObjectCreated
        {
            Cloud = CloudProvider.Gcp,
            Bucket = finalized.Bucket,
            Key = finalized.Name,
            Version = finalized.Generation.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ETag = finalized.ETag,
            Size = finalized.Size,
            ContentType = finalized.ContentType,
            EventTime = finalized.TimeCreated,
        };
    }

    /// <inheritdoc />
    protected override IEnumerable<CloudRunRoute> Bind(IReadOnlyList<(FunctionDefinition Function, StorageTrigger Trigger)> functions, IServiceProvider services, ILogger log)
    {
        var invoker = services.GetRequiredService<StorageInvoker>();
        return [.. functions.Select(f => CloudRunRoute.AtFunctionPath(f.Function, (context, info) => HandleAsync(context, info, invoker, f.Function, log)))];
    }

    private static async Task RefuseAsync(HttpContext context, ILogger log, FunctionDefinition function, string error)
    {
        LogMalformed(log, function.Name, error);
        await WriteAsync(context, PortableHttpResponse.Error(400, error)).ConfigureAwait(false);
    }

    private static ValueTask WriteAsync(HttpContext context, PortableHttpResponse response) => AspNetCoreBridge.WriteResponseAsync(context, response);

    [LoggerMessage(EventId = 3302, Level = LogLevel.Warning, Message = "Refused a storage event for {FunctionName} with 400: {Error}")]
    private static partial void LogMalformed(ILogger logger, string functionName, string error);

    [LoggerMessage(EventId = 3303, Level = LogLevel.Information, Message = "Storage event {Id} for {FunctionName} ignored: {Type} is not an object creation")]
    private static partial void LogIgnored(ILogger logger, string functionName, string type, string id);

    [LoggerMessage(EventId = 3304, Level = LogLevel.Debug, Message = "Storage event {Id} ({Bucket}/{Key}) for {FunctionName}: {Outcome} {Reason}")]
    private static partial void LogSettled(ILogger logger, string functionName, string id, string bucket, string key, MessageOutcome outcome, string? reason);
}
