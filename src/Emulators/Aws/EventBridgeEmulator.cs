using System.Buffers;
using System.Globalization;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Portable.Core.Events;
using Portable.Core.Events.Routing;

namespace Portable.Emulators.Aws;

/// <summary>
/// An EventBridge event bus in process, for tests: the <c>PutEvents</c> endpoint of the AWS JSON 1.1 protocol on
/// <see cref="ServiceUrl"/> (<c>X-Amz-Target: AWSEvents.PutEvents</c>, a SigV4 <c>Authorization</c> for service
/// <c>events</c>, checked by <see cref="SigV4Verifier"/>), answering as EventBridge does — one result per entry in
/// order, an <c>EventId</c> or an <c>ErrorCode</c>/<c>ErrorMessage</c>, and <c>FailedEntryCount</c> — and rules whose
/// event patterns (Core's <see cref="EventPattern"/>) route each accepted event, as EventBridge's envelope, to their
/// targets: a Lambda function through its <see cref="LambdaRuntimeApiEmulator"/>, or an SQS queue of a
/// <see cref="SqsEventSourceEmulator"/>. Delivery is asynchronous, as EventBridge's is: <c>PutEvents</c> answers once
/// the events are accepted, and <see cref="Deliveries"/> records every attempt.
/// <para>
/// The retry model. A failed delivery is made again under the target's <see cref="EventBridgeRetryPolicy"/> — on AWS
/// by default 185 retries within 24 hours (<see cref="EventBridgeRetryPolicy.AwsDefault"/>); here by default 2 within
/// 5 minutes (<see cref="EventBridgeRetryPolicy.ForTests"/>) — with exponential backoff and full jitter; once spent,
/// the event goes to the target's dead-letter queue with EventBridge's attributes (<c>ERROR_CODE</c>,
/// <c>ERROR_MESSAGE</c>, <c>EXHAUSTED_RETRY_CONDITION</c>, <c>RETRY_ATTEMPTS</c>, <c>RULE_ARN</c>, <c>TARGET_ARN</c>),
/// or is dropped. On AWS a Lambda target is invoked asynchronously: EventBridge's policy covers handing the event to
/// Lambda, and a function error is then retried by Lambda's asynchronous invocation (2 retries by default) before its
/// failure destination. The emulator folds the two into the one policy: a function error or timeout is a failed
/// delivery. A Lambda target's invocations are made one at a time, as one execution environment takes them.
/// </para>
/// </summary>
public sealed class EventBridgeEmulator : IAsyncDisposable
{
    private const string Target = "AWSEvents.PutEvents";
    private const string ContentType = "application/x-amz-json-1.1";
    private const int MaxEntries = 10;
    private const int MaxEntryBytes = 256 * 1024;

    private readonly WebApplication _app;
    private readonly EventBridgeEmulatorOptions _options;
    private readonly TimeProvider _time;
    private readonly Lock _gate = new();
    private readonly List<EventBridgeRule> _rules = [];
    private readonly List<PortableEvent> _events = [];
    private readonly List<EventBridgeDelivery> _deliveries = [];
    private readonly List<Task> _inFlight = [];
    private readonly Dictionary<LambdaRuntimeApiEmulator, SemaphoreSlim> _functions = [];
    private readonly Queue<string> _entryFaults = new();
    private readonly List<string> _authorizations = [];
    private readonly CancellationTokenSource _stopping = new();
    private readonly SemaphoreSlim _changed = new(0);

    private EventBridgeEmulator(WebApplication app, EventBridgeEmulatorOptions options)
    {
        _app = app;
        _options = options;
        _time = options.TimeProvider;
    }

    /// <summary>The EventBridge endpoint, for <c>PORTABLE_EVENTBRIDGE_ENDPOINT</c> or <c>AWS_ENDPOINT_URL_EVENTBRIDGE</c>.</summary>
    public Uri ServiceUrl { get; private set; } = null!;

    /// <summary>The settings.</summary>
    public EventBridgeEmulatorOptions Options => _options;

    /// <summary>Every event accepted so far, in order, as its targets receive it.</summary>
    public IReadOnlyList<PortableEvent> Events
    {
        get
        {
            lock (_gate)
            {
                return [.. _events];
            }
        }
    }

    /// <summary>Every delivery attempt so far, in the order they ended.</summary>
    public IReadOnlyList<EventBridgeDelivery> Deliveries
    {
        get
        {
            lock (_gate)
            {
                return [.. _deliveries];
            }
        }
    }

    /// <summary>The <c>Authorization</c> header of every <c>PutEvents</c> request accepted, in order.</summary>
    public IReadOnlyList<string> Authorizations
    {
        get
        {
            lock (_gate)
            {
                return [.. _authorizations];
            }
        }
    }

    /// <summary>Starts the endpoint on a free loopback port (or <see cref="EventBridgeEmulatorOptions.Port"/>).</summary>
    public static async Task<EventBridgeEmulator> StartAsync(EventBridgeEmulatorOptions? options = null, CancellationToken cancellationToken = default)
    {
        options ??= new EventBridgeEmulatorOptions();
        options.RetryPolicy.Validate();
        var app = LoopbackServer.Create("Portable.Emulators.EventBridgeEmulator", options.Port);
        var emulator = new EventBridgeEmulator(app, options);
        app.MapPost("/", emulator.HandleAsync);
        await app.StartAsync(cancellationToken).ConfigureAwait(false);
        emulator.ServiceUrl = LoopbackServer.BaseAddress(app);
        return emulator;
    }

    /// <summary>Adds a rule on <paramref name="busName"/> that sends what <paramref name="pattern"/> matches to <paramref name="targets"/>.</summary>
    public EventBridgeRule AddRule(string name, EventPattern pattern, IReadOnlyList<EventBridgeTarget> targets, string busName = "default")
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        ArgumentNullException.ThrowIfNull(pattern);
        ArgumentNullException.ThrowIfNull(targets);
        if (targets.Count is < 1 or > 5)
        {
            throw new ArgumentException("A rule has from 1 to 5 targets.", nameof(targets));
        }

        foreach (var target in targets)
        {
            target.RetryPolicy?.Validate();
        }

        var rule = new EventBridgeRule(name, pattern, targets, busName);
        lock (_gate)
        {
            if (_rules.Any(r => r.Name == name && r.BusName == busName))
            {
                throw new ArgumentException($"Rule '{name}' already exists on bus '{busName}'.", nameof(name));
            }

            _rules.Add(rule);
        }

        return rule;
    }

    /// <summary>
    /// Makes the next <paramref name="count"/> entries of <c>PutEvents</c> fail with <paramref name="errorCode"/>
    /// (<c>ThrottlingException</c> by default), as EventBridge refuses entries under load.
    /// </summary>
    public void FailNextEntries(int count, string errorCode = "ThrottlingException")
    {
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        lock (_gate)
        {
            for (var i = 0; i < count; i++)
            {
                _entryFaults.Enqueue(errorCode);
            }
        }
    }

    /// <summary>Waits until <paramref name="done"/> holds for <see cref="Deliveries"/>, failing after <paramref name="timeout"/>.</summary>
    /// <exception cref="TimeoutException">It did not hold in time; the message lists the deliveries so far.</exception>
    public async Task WaitForDeliveriesAsync(Func<IReadOnlyList<EventBridgeDelivery>, bool> done, TimeSpan timeout, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(done);
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(timeout);
        while (!done(Deliveries))
        {
            try
            {
                await _changed.WaitAsync(TimeSpan.FromMilliseconds(100), deadline.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
            {
                throw new TimeoutException(
                    $"The deliveries did not reach the expected state within {timeout.TotalSeconds} s. So far: "
                    + string.Join("; ", Deliveries.Select(d => $"{d.Rule}/{d.TargetId} #{d.Attempt} {d.Outcome} {d.Error}")));
            }
        }
    }

    /// <summary>The EventBridge envelope EventBridge builds for an accepted entry (exposed for tests).</summary>
    public PortableEvent Envelope(string eventId, JsonElement entry)
    {
        var time = entry.TryGetProperty("Time", out var t) ? ReadTime(t) : null;
        return new PortableEvent
        {
            Id = eventId,
            Source = entry.GetProperty("Source").GetString()!,
            DetailType = entry.GetProperty("DetailType").GetString()!,
            Time = time ?? _time.GetUtcNow(),
            Account = _options.AccountId,
            Region = _options.Region,
            Resources = entry.TryGetProperty("Resources", out var resources) && resources.ValueKind == JsonValueKind.Array
                ? [.. resources.EnumerateArray().Select(r => r.GetString() ?? string.Empty)]
                : [],
            Detail = entry.TryGetProperty("Detail", out var detail) && detail.GetString() is { } text
                ? JsonDocument.Parse(text).RootElement.Clone()
                : JsonDocument.Parse("{}").RootElement.Clone(),
        };
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        await _stopping.CancelAsync().ConfigureAwait(false);
        Task[] pending;
        lock (_gate)
        {
            pending = [.. _inFlight];
        }

        try
        {
            await Task.WhenAll(pending).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            // Deliveries still waiting for a retry stop here.
        }

        await _app.StopAsync(CancellationToken.None).ConfigureAwait(false);
        await _app.DisposeAsync().ConfigureAwait(false);
        _stopping.Dispose();
        _changed.Dispose();
        foreach (var semaphore in _functions.Values)
        {
            semaphore.Dispose();
        }
    }

    private async Task HandleAsync(HttpContext context)
    {
        var body = await ReadBodyAsync(context.Request).ConfigureAwait(false);
        var target = context.Request.Headers["X-Amz-Target"].ToString();
        if (!string.Equals(target, Target, StringComparison.Ordinal))
        {
            await WriteErrorAsync(context, "UnknownOperationException", target.Length == 0 ? "Missing X-Amz-Target." : $"The emulator does not implement {target}.").ConfigureAwait(false);
            return;
        }

        if (!context.Request.ContentType?.StartsWith(ContentType, StringComparison.OrdinalIgnoreCase) ?? true)
        {
            await WriteErrorAsync(context, "SerializationException", $"Expected Content-Type {ContentType}, got '{context.Request.ContentType}'.").ConfigureAwait(false);
            return;
        }

        if (SigV4Verifier.Check(context.Request, body, "events", _options.Credentials) is { } refused)
        {
            await WriteErrorAsync(context, refused.Code, refused.Message, refused.Code == "UnrecognizedClientException" ? 403 : 400).ConfigureAwait(false);
            return;
        }

        JsonDocument request;
        try
        {
            request = JsonDocument.Parse(body);
        }
        catch (JsonException ex)
        {
            await WriteErrorAsync(context, "SerializationException", ex.Message).ConfigureAwait(false);
            return;
        }

        using (request)
        {
            if (!request.RootElement.TryGetProperty("Entries", out var entries) || entries.ValueKind != JsonValueKind.Array || entries.GetArrayLength() is < 1 or > MaxEntries)
            {
                await WriteErrorAsync(context, "ValidationException", $"1 validation error detected: Value at 'entries' failed to satisfy constraint: Member must have length between 1 and {MaxEntries}.").ConfigureAwait(false);
                return;
            }

            if (entries.EnumerateArray().Sum(EntrySize) > MaxEntryBytes)
            {
                await WriteErrorAsync(context, "ValidationException", "Total size of the entries in the request is over the limit.").ConfigureAwait(false);
                return;
            }

            lock (_gate)
            {
                _authorizations.Add(context.Request.Headers.Authorization.ToString());
            }

            var results = entries.EnumerateArray().Select(Accept).ToList();
            await WriteAsync(context, 200, w =>
            {
                w.WriteNumber("FailedEntryCount", results.Count(r => r.EventId is null));
                w.WriteStartArray("Entries");
                foreach (var (eventId, code, message) in results)
                {
                    w.WriteStartObject();
                    if (eventId is not null)
                    {
                        w.WriteString("EventId", eventId);
                    }
                    else
                    {
                        w.WriteString("ErrorCode", code);
                        w.WriteString("ErrorMessage", message);
                    }

                    w.WriteEndObject();
                }

                w.WriteEndArray();
            }).ConfigureAwait(false);
        }
    }

    // One entry: refused with EventBridge's per-entry code, or accepted, recorded and routed.
    private (string? EventId, string? Code, string? Message) Accept(JsonElement entry)
    {
        lock (_gate)
        {
            if (_entryFaults.TryDequeue(out var fault))
            {
                return (null, fault, fault == "ThrottlingException" ? "Rate exceeded." : "The emulator was told to fail this entry.");
            }
        }

        if (Text(entry, "Source") is not { } source)
        {
            return (null, "InvalidArgument", "Parameter Source is not valid. Reason: Source is a required argument.");
        }

        if (Text(entry, "DetailType") is null)
        {
            return (null, "InvalidArgument", "Parameter DetailType is not valid. Reason: DetailType is a required argument.");
        }

        if (source.StartsWith("aws.", StringComparison.Ordinal))
        {
            return (null, "NotAuthorizedForSourceException", "Not authorized for the source.");
        }

        if (EntrySize(entry) > MaxEntryBytes)
        {
            return (null, "InvalidArgument", "The entry is over the size limit.");
        }

        if (!IsJsonObjectText(entry))
        {
            return (null, "MalformedDetail", "Detail is malformed.");
        }

        if (entry.TryGetProperty("Time", out var time) && ReadTime(time) is null)
        {
            return (null, "InvalidArgument", "Parameter Time is not valid.");
        }

        var @event = Envelope(Guid.NewGuid().ToString(), entry);
        var bus = Text(entry, "EventBusName") is { } named ? BusNameOf(named) : "default";
        List<(EventBridgeRule Rule, EventBridgeTarget Target)> matched;
        lock (_gate)
        {
            _events.Add(@event);
            matched = [.. _rules.Where(r => r.BusName == bus && r.Pattern.Matches(@event.ToEnvelopeUtf8())).SelectMany(r => r.Targets.Select(t => (r, t)))];
            foreach (var (rule, target) in matched)
            {
                _inFlight.Add(Task.Run(() => DeliverAsync(@event, rule, target), CancellationToken.None));
            }
        }

        return (@event.Id, null, null);
    }

    private async Task DeliverAsync(PortableEvent @event, EventBridgeRule rule, EventBridgeTarget target)
    {
        var policy = target.RetryPolicy ?? _options.RetryPolicy;
        var envelope = @event.ToEnvelopeUtf8();
        var accepted = _time.GetUtcNow();
        for (var attempt = 1; ; attempt++)
        {
            var error = await AttemptAsync(target, envelope).ConfigureAwait(false);
            if (error is null)
            {
                Record(new EventBridgeDelivery(@event.Id, rule.Name, target.Id, attempt, EventBridgeDeliveryOutcome.Delivered, null));
                return;
            }

            var cap = policy.FirstDelay.TotalMilliseconds * Math.Pow(2, attempt - 1);
            var wait = TimeSpan.FromMilliseconds(Random.Shared.NextDouble() * cap);
            var exhausted = attempt > policy.MaximumRetryAttempts ? "MaximumRetryAttempts"
                : _time.GetUtcNow() + wait - accepted > policy.MaximumEventAge ? "MaximumEventAgeInSeconds"
                : null;
            if (exhausted is null)
            {
                Record(new EventBridgeDelivery(@event.Id, rule.Name, target.Id, attempt, EventBridgeDeliveryOutcome.Failed, error));
                await Task.Delay(wait, _time, _stopping.Token).ConfigureAwait(false);
                continue;
            }

            if (target.DeadLetterQueue is { } dlq)
            {
                dlq.Emulator.Send(Encoding.UTF8.GetString(envelope), new Dictionary<string, string>
                {
                    ["ERROR_CODE"] = target.Function is not null ? "FunctionError" : "SQSError",
                    ["ERROR_MESSAGE"] = error,
                    ["EXHAUSTED_RETRY_CONDITION"] = exhausted,
                    ["RETRY_ATTEMPTS"] = (attempt - 1).ToString(CultureInfo.InvariantCulture),
                    ["RULE_ARN"] = RuleArn(rule),
                    ["TARGET_ARN"] = target.Arn,
                }, dlq.QueueName);
            }

            Record(new EventBridgeDelivery(@event.Id, rule.Name, target.Id, attempt, target.DeadLetterQueue is null ? EventBridgeDeliveryOutcome.Dropped : EventBridgeDeliveryOutcome.DeadLettered, error));
            return;
        }
    }

    // Null when the target took the event; else why it did not.
    private async Task<string?> AttemptAsync(EventBridgeTarget target, byte[] envelope)
    {
        if (target.Function is { } function)
        {
            SemaphoreSlim one;
            lock (_gate)
            {
                if (!_functions.TryGetValue(function, out one!))
                {
                    _functions[function] = one = new SemaphoreSlim(1, 1);
                }
            }

            await one.WaitAsync(_stopping.Token).ConfigureAwait(false);
            try
            {
                var result = await function.InvokeAsync(new LambdaInvocationRequest { Payload = envelope, Timeout = target.FunctionTimeout }, _stopping.Token).ConfigureAwait(false);
                return result.IsSuccess ? null : $"{result.ErrorType}: {result.ErrorBodyText}";
            }
            finally
            {
                one.Release();
            }
        }

        try
        {
            target.Queue!.Send(Encoding.UTF8.GetString(envelope), queue: target.QueueName);
            return null;
        }
        catch (ArgumentException ex)
        {
            return ex.Message;
        }
    }

    private void Record(EventBridgeDelivery delivery)
    {
        lock (_gate)
        {
            _deliveries.Add(delivery);
        }

        _changed.Release();
    }

    private string RuleArn(EventBridgeRule rule) =>
        $"arn:aws:events:{_options.Region}:{_options.AccountId}:rule/{(rule.BusName == "default" ? string.Empty : rule.BusName + "/")}{rule.Name}";

    // A bus named by ARN (arn:aws:events:{region}:{account}:event-bus/{name}) or by name.
    private static string BusNameOf(string nameOrArn) =>
        nameOrArn.StartsWith("arn:", StringComparison.Ordinal) ? nameOrArn[(nameOrArn.LastIndexOf('/') + 1)..] : nameOrArn;

    private static string? Text(JsonElement entry, string name) =>
        entry.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String && value.GetString() is { Length: > 0 } text ? text : null;

    private static bool IsJsonObjectText(JsonElement entry)
    {
        if (!entry.TryGetProperty("Detail", out var detail))
        {
            return true;
        }

        try
        {
            using var parsed = JsonDocument.Parse(detail.GetString() ?? string.Empty);
            return parsed.RootElement.ValueKind == JsonValueKind.Object;
        }
        catch (Exception ex) when (ex is JsonException or InvalidOperationException)
        {
            return false;
        }
    }

    // As EventBridge counts it: 14 bytes for a time, and the UTF-8 bytes of the source, detail-type, detail and each resource.
    private static int EntrySize(JsonElement entry)
    {
        var size = entry.TryGetProperty("Time", out _) ? 14 : 0;
        foreach (var name in new[] { "Source", "DetailType", "Detail" })
        {
            if (entry.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String)
            {
                size += Encoding.UTF8.GetByteCount(value.GetString()!);
            }
        }

        if (entry.TryGetProperty("Resources", out var resources) && resources.ValueKind == JsonValueKind.Array)
        {
            size += resources.EnumerateArray().Sum(r => Encoding.UTF8.GetByteCount(r.GetString() ?? string.Empty));
        }

        return size;
    }

    // AWS JSON timestamps: seconds since the epoch (a number, possibly fractional), or an ISO 8601 string.
    private static DateTimeOffset? ReadTime(JsonElement time) => time.ValueKind switch
    {
        JsonValueKind.Number when time.TryGetDouble(out var seconds) => DateTimeOffset.FromUnixTimeMilliseconds((long)Math.Round(seconds * 1000)),
        JsonValueKind.String when DateTimeOffset.TryParse(time.GetString(), CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var at) => at,
        _ => null,
    };

    private static async Task<byte[]> ReadBodyAsync(HttpRequest request)
    {
        using var buffer = new MemoryStream();
        await request.Body.CopyToAsync(buffer, request.HttpContext.RequestAborted).ConfigureAwait(false);
        return buffer.ToArray();
    }

    private static Task WriteErrorAsync(HttpContext context, string code, string message, int status = 400) =>
        WriteAsync(context, status, w =>
        {
            w.WriteString("__type", code);
            w.WriteString("message", message);
        });

    private static async Task WriteAsync(HttpContext context, int status, Action<Utf8JsonWriter> write)
    {
        var buffer = new ArrayBufferWriter<byte>(256);
        using (var w = new Utf8JsonWriter(buffer))
        {
            w.WriteStartObject();
            write(w);
            w.WriteEndObject();
        }

        context.Response.StatusCode = status;
        context.Response.ContentType = ContentType;
        context.Response.Headers["x-amzn-RequestId"] = Guid.NewGuid().ToString();
        context.Response.ContentLength = buffer.WrittenCount;
        await context.Response.Body.WriteAsync(buffer.WrittenMemory, context.RequestAborted).ConfigureAwait(false);
    }
}
