using System.Collections.Concurrent;
using System.Globalization;
using System.Net;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Portable.Core.Events;
using Portable.Core.Events.Routing;
using Portable.Emulators.Aws;

namespace Portable.Emulators.Tests.Aws;

/// <summary>
/// The EventBridge emulator through its wire protocol: PutEvents (target header, SigV4, per-entry answers), rules with
/// Core's event patterns, SQS and Lambda targets, the retry policy and the target's dead-letter queue. Requests here
/// are signed with the emulator's own SigV4 functions, which are checked first against the AWS test suite's vectors;
/// tests/Aws.Tests checks the publisher's SDK-signed requests against the same verifier.
/// </summary>
public sealed class EventBridgeEmulatorTests : IAsyncLifetime
{
    private const string KeyId = "AKIDEXAMPLE";
    private const string Secret = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY";
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(30);

    private readonly CancellationTokenSource _stop = new();
    private readonly ConcurrentQueue<string> _invocations = new();
    private readonly HttpClient _http = new();
    private LambdaRuntimeApiEmulator _lambda = null!;
    private EventBridgeEmulator _bus = null!;
    private SqsEventSourceEmulator _sqs = null!;
    private Task? _runtime;
    private int _failuresLeft;

    public async Task InitializeAsync()
    {
        _lambda = await LambdaRuntimeApiEmulator.StartAsync(new LambdaRuntimeApiEmulatorOptions { FunctionName = "charge-payment" });
        _sqs = await SqsEventSourceEmulator.StartAsync(_lambda, new SqsEventSourceEmulatorOptions { QueueName = "audit-big-orders" });
        _bus = await EventBridgeEmulator.StartAsync(new EventBridgeEmulatorOptions { Credentials = new Dictionary<string, string> { [KeyId] = Secret } });
    }

    public async Task DisposeAsync()
    {
        await _stop.CancelAsync();
        await _bus.DisposeAsync();
        await _sqs.DisposeAsync();
        await _lambda.DisposeAsync();
        if (_runtime is not null)
        {
            await Task.WhenAny(_runtime, Task.Delay(TimeSpan.FromSeconds(5)));
        }

        _http.Dispose();
        _stop.Dispose();
    }

    [Fact]
    public void Verifier_AwsTestSuiteVector_GivesTheDocumentedStringToSignAndSignature()
    {
        // The AWS Signature Version 4 test suite's get-vanilla-query-order-key-case (2011 edition), as published.
        const string canonical = "GET\n/\nfoo=Zoo&foo=aha\ndate:Mon, 09 Sep 2011 23:36:00 GMT\nhost:host.foo.com\n\ndate;host\ne3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";
        var context = new DefaultHttpContext();
        context.Request.Method = "GET";
        context.Request.Path = "/";
        context.Request.QueryString = new QueryString("?foo=Zoo&foo=aha");
        context.Request.Host = new HostString("host.foo.com");
        context.Request.Headers["date"] = "Mon, 09 Sep 2011 23:36:00 GMT";

        var built = SigV4Verifier.CanonicalRequest(context.Request, ["date", "host"], []);
        var toSign = SigV4Verifier.StringToSign("20110909T233600Z", "20110909/us-east-1/host/aws4_request", canonical);

        Assert.Equal(canonical, built);
        Assert.Equal("AWS4-HMAC-SHA256\n20110909T233600Z\n20110909/us-east-1/host/aws4_request\ne25f777ba161a0f1baf778a87faf057187cf5987f17953320e3ca399feb5f00d", toSign);
        Assert.Equal("be7148d34ebccdc6423b19085378aa0bee970bdc61d144bd1a8c48c33079ab09", SigV4Verifier.Signature(Secret, "20110909", "us-east-1", "host", toSign));
    }

    [Fact]
    public async Task PutEvents_AcceptedEntries_AnswerEventIdsAndRouteTheEnvelopeToAnSqsTarget()
    {
        _bus.AddRule("audit-big-orders", EventPattern.Parse("""{"source": ["orders"], "detail": {"total": [{"numeric": [">=", 1000]}]}}"""), [EventBridgeTarget.Sqs("audit-queue", _sqs)]);

        var (status, answer) = await PutAsync(Entry("orders", "order.placed", """{"total": 1200}""", time: 1767323045), Entry("orders", "order.placed", """{"total": 3}"""));

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal(0, answer.GetProperty("FailedEntryCount").GetInt32());
        var ids = answer.GetProperty("Entries").EnumerateArray().Select(e => e.GetProperty("EventId").GetString()!).ToList();
        Assert.All(ids, id => Assert.True(Guid.TryParse(id, out var parsed), parsed.ToString()));
        Assert.Equal(ids, _bus.Events.Select(e => e.Id));
        await _bus.WaitForDeliveriesAsync(d => d.Count == 1, Patience);
        Assert.Equal(new EventBridgeDelivery(ids[0], "audit-big-orders", "audit-queue", 1, EventBridgeDeliveryOutcome.Delivered, null), Assert.Single(_bus.Deliveries));
        var message = Assert.Single(_sqs.Messages());
        var delivered = PortableEvent.FromEnvelope(Encoding.UTF8.GetBytes(message.Body));
        Assert.Equal(ids[0], delivered.Id);
        Assert.Equal("123456789012", delivered.Account);
        Assert.Equal("us-east-1", delivered.Region);
        Assert.Equal(DateTimeOffset.FromUnixTimeSeconds(1767323045), delivered.Time);
        Assert.Equal(1200, delivered.Detail.GetProperty("total").GetInt32());
        Assert.StartsWith("{\"version\":\"0\",\"id\":", message.Body, StringComparison.Ordinal);
    }

    [Fact]
    public async Task PutEvents_RefusedEntries_AnswerEventBridgesCodesInOrderAndCountThem()
    {
        _bus.FailNextEntries(1);

        var (_, answer) = await PutAsync(
            Entry("orders", "order.placed"),
            Entry("orders", "order.placed"),
            Entry("aws.s3", "Object Created"),
            Entry("orders", "order.placed", "[1]"),
            """{"DetailType": "order.placed"}""");

        Assert.Equal(4, answer.GetProperty("FailedEntryCount").GetInt32());
        var entries = answer.GetProperty("Entries").EnumerateArray().ToList();
        Assert.Equal(["ThrottlingException", null, "NotAuthorizedForSourceException", "MalformedDetail", "InvalidArgument"], entries.Select(e => e.TryGetProperty("ErrorCode", out var c) ? c.GetString() : null));
        Assert.True(entries[1].TryGetProperty("EventId", out _));
        Assert.Equal("Parameter Source is not valid. Reason: Source is a required argument.", entries[4].GetProperty("ErrorMessage").GetString());
        Assert.Single(_bus.Events);
    }

    [Theory]
    [InlineData(0, "ValidationException")]
    [InlineData(11, "ValidationException")]
    public async Task PutEvents_WrongNumberOfEntries_IsRefusedAsAWhole(int count, string code)
    {
        var (status, answer) = await PutAsync([.. Enumerable.Repeat(Entry("orders", "order.placed"), count)]);

        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Equal(code, answer.GetProperty("__type").GetString());
    }

    [Fact]
    public async Task PutEvents_EntriesOver256KbInAll_AreRefusedAsAWhole()
    {
        var half = new string('x', 140 * 1024);

        var (status, answer) = await PutAsync(Entry("orders", "a", $$"""{"pad": "{{half}}"}"""), Entry("orders", "b", $$"""{"pad": "{{half}}"}"""));

        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Equal("Total size of the entries in the request is over the limit.", answer.GetProperty("message").GetString());
    }

    [Theory]
    [InlineData("target", "UnknownOperationException", HttpStatusCode.BadRequest)]
    [InlineData("unsigned", "MissingAuthenticationTokenException", HttpStatusCode.BadRequest)]
    [InlineData("malformed", "IncompleteSignatureException", HttpStatusCode.BadRequest)]
    [InlineData("service", "InvalidSignatureException", HttpStatusCode.BadRequest)]
    [InlineData("secret", "InvalidSignatureException", HttpStatusCode.BadRequest)]
    [InlineData("key", "UnrecognizedClientException", HttpStatusCode.Forbidden)]
    [InlineData("tampered", "InvalidSignatureException", HttpStatusCode.BadRequest)]
    public async Task PutEvents_BadTargetOrSignature_IsRefusedAsEventBridgeDoes(string fault, string code, HttpStatusCode expected)
    {
        var body = Encoding.UTF8.GetBytes($$"""{"Entries": [{{Entry("orders", "order.placed")}}]}""");
        using var request = Signed(body,
            target: fault == "target" ? "AWSEvents.PutRule" : "AWSEvents.PutEvents",
            keyId: fault == "key" ? "AKIDOTHER" : KeyId,
            secret: fault == "secret" ? "not-the-secret" : Secret,
            service: fault == "service" ? "sqs" : "events");
        if (fault == "unsigned")
        {
            request.Headers.Remove("Authorization");
        }
        else if (fault == "malformed")
        {
            request.Headers.Remove("Authorization");
            request.Headers.TryAddWithoutValidation("Authorization", "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE");
        }
        else if (fault == "tampered")
        {
            request.Content = Json(Encoding.UTF8.GetBytes($$"""{"Entries": [{{Entry("payments", "order.placed")}}]}"""));
        }

        using var response = await _http.SendAsync(request);

        Assert.Equal(expected, response.StatusCode);
        Assert.Equal(code, JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.GetProperty("__type").GetString());
        Assert.Empty(_bus.Events);
    }

    [Fact]
    public async Task LambdaTarget_FunctionFailsThenSucceeds_IsRetriedUnderThePolicy()
    {
        _failuresLeft = 1;
        StartRuntime();
        _bus.AddRule("on-inventory-reserved", EventPattern.Parse("""{"detail-type": ["inventory.reserved"]}"""), [EventBridgeTarget.Lambda("charge", _lambda)]);

        var (_, answer) = await PutAsync(Entry("inventory", "inventory.reserved", """{"orderId": "o-1"}"""));
        var id = answer.GetProperty("Entries")[0].GetProperty("EventId").GetString()!;

        await _bus.WaitForDeliveriesAsync(d => d.Any(x => x.Outcome == EventBridgeDeliveryOutcome.Delivered), Patience);
        Assert.Equal([EventBridgeDeliveryOutcome.Failed, EventBridgeDeliveryOutcome.Delivered], _bus.Deliveries.Select(d => d.Outcome));
        Assert.StartsWith("Portable.EventFailed: ", _bus.Deliveries[0].Error, StringComparison.Ordinal);
        Assert.Equal([1, 2], _bus.Deliveries.Select(d => d.Attempt));
        Assert.Equal(2, _invocations.Count);
        Assert.All(_invocations, payload => Assert.Equal(id, PortableEvent.FromEnvelope(Encoding.UTF8.GetBytes(payload)).Id));
    }

    [Fact]
    public async Task LambdaTarget_RetriesSpent_GoesToTheTargetsDeadLetterQueueWithEventBridgesAttributes()
    {
        _failuresLeft = int.MaxValue;
        StartRuntime();
        var rule = _bus.AddRule(
            "on-inventory-reserved",
            EventPattern.Parse("""{"detail-type": ["inventory.reserved"]}"""),
            [EventBridgeTarget.Lambda("charge", _lambda) with { DeadLetterQueue = (_sqs, _sqs.DeadLetterQueueName), RetryPolicy = new EventBridgeRetryPolicy(1, TimeSpan.FromMinutes(1), TimeSpan.Zero) }]);

        await PutAsync(Entry("inventory", "inventory.reserved"));

        await _bus.WaitForDeliveriesAsync(d => d.Count == 2, Patience);
        Assert.Equal([EventBridgeDeliveryOutcome.Failed, EventBridgeDeliveryOutcome.DeadLettered], _bus.Deliveries.Select(d => d.Outcome));
        var letter = Assert.Single(_sqs.DeadLetters);
        Assert.Equal(_bus.Events[0].Id, PortableEvent.FromEnvelope(Encoding.UTF8.GetBytes(letter.Body)).Id);
        Assert.Equal("MaximumRetryAttempts", letter.Attributes["EXHAUSTED_RETRY_CONDITION"]);
        Assert.Equal("1", letter.Attributes["RETRY_ATTEMPTS"]);
        Assert.Equal("arn:aws:events:us-east-1:123456789012:rule/on-inventory-reserved", letter.Attributes["RULE_ARN"]);
        Assert.Equal("arn:aws:lambda:us-east-1:123456789012:function:charge-payment", letter.Attributes["TARGET_ARN"]);
        Assert.StartsWith("Portable.EventFailed", letter.Attributes["ERROR_MESSAGE"], StringComparison.Ordinal);
        Assert.Equal("on-inventory-reserved", rule.Name);
    }

    [Fact]
    public async Task LambdaTarget_NoDeadLetterQueue_IsDroppedOnceRetriesAreSpent()
    {
        _failuresLeft = int.MaxValue;
        StartRuntime();
        _bus.AddRule("on-any-order", EventPattern.Parse("""{"source": ["orders"]}"""), [EventBridgeTarget.Lambda("charge", _lambda) with { RetryPolicy = new EventBridgeRetryPolicy(0, TimeSpan.FromMinutes(1), TimeSpan.Zero) }]);

        await PutAsync(Entry("orders", "order.placed"));

        await _bus.WaitForDeliveriesAsync(d => d.Count == 1, Patience);
        Assert.Equal(EventBridgeDeliveryOutcome.Dropped, Assert.Single(_bus.Deliveries).Outcome);
        Assert.Empty(_sqs.DeadLetters);
    }

    [Fact]
    public async Task Rules_OnlyTheMatchingRulesOfTheEventsBusDeliver()
    {
        _bus.AddRule("on-orders", EventPattern.Parse("""{"source": ["orders"]}"""), [EventBridgeTarget.Sqs("q", _sqs)]);
        _bus.AddRule("on-orders-elsewhere", EventPattern.Parse("""{"source": ["orders"]}"""), [EventBridgeTarget.Sqs("q", _sqs)], busName: "sales");

        await PutAsync(Entry("orders", "order.placed"), Entry("payments", "payment.charged"), Entry("orders", "order.placed", bus: "arn:aws:events:us-east-1:123456789012:event-bus/sales"));

        await _bus.WaitForDeliveriesAsync(d => d.Count == 2, Patience);
        Assert.Equal(["on-orders", "on-orders-elsewhere"], _bus.Deliveries.Select(d => d.Rule).Order());
        Assert.Equal(2, _sqs.Messages().Count);
    }

    [Fact]
    public void RetryPolicy_AwsDefaultIs185RetriesIn24Hours_AndLimitsAreEventBridges()
    {
        Assert.Equal(185, EventBridgeRetryPolicy.AwsDefault.MaximumRetryAttempts);
        Assert.Equal(TimeSpan.FromHours(24), EventBridgeRetryPolicy.AwsDefault.MaximumEventAge);
        Assert.Equal(EventBridgeRetryPolicy.ForTests, new EventBridgeEmulatorOptions().RetryPolicy);
        Assert.Throws<ArgumentOutOfRangeException>(() => new EventBridgeRetryPolicy(186, TimeSpan.FromHours(1), TimeSpan.Zero).Validate());
        Assert.Throws<ArgumentOutOfRangeException>(() => new EventBridgeRetryPolicy(1, TimeSpan.FromSeconds(59), TimeSpan.Zero).Validate());
    }

    private static string Entry(string source, string detailType, string detail = "{}", long? time = null, string bus = "default") =>
        JsonSerializer.Serialize(new Dictionary<string, object?>
        {
            ["Source"] = source,
            ["DetailType"] = detailType,
            ["Detail"] = detail,
            ["EventBusName"] = bus,
            ["Time"] = time,
        }.Where(p => p.Value is not null).ToDictionary());

    private async Task<(HttpStatusCode Status, JsonElement Answer)> PutAsync(params string[] entries)
    {
        using var request = Signed(Encoding.UTF8.GetBytes($$"""{"Entries": [{{string.Join(',', entries)}}]}"""));
        using var response = await _http.SendAsync(request);
        Assert.Equal("application/x-amz-json-1.1", response.Content.Headers.ContentType?.MediaType);
        return (response.StatusCode, JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.Clone());
    }

    private static ByteArrayContent Json(byte[] body)
    {
        var content = new ByteArrayContent(body);
        content.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue("application/x-amz-json-1.1");
        return content;
    }

    // SigV4 by hand over the headers the publisher signs: content-type, host, x-amz-date, x-amz-target.
    private HttpRequestMessage Signed(byte[] body, string target = "AWSEvents.PutEvents", string keyId = KeyId, string secret = Secret, string service = "events")
    {
        var now = DateTimeOffset.UtcNow;
        var amzDate = now.ToString("yyyyMMdd'T'HHmmss'Z'", CultureInfo.InvariantCulture);
        var date = amzDate[..8];
        var host = $"127.0.0.1:{_bus.ServiceUrl.Port}";
        var canonical = $"POST\n/\n\ncontent-type:application/x-amz-json-1.1\nhost:{host}\nx-amz-date:{amzDate}\nx-amz-target:{target}\n\ncontent-type;host;x-amz-date;x-amz-target\n{Convert.ToHexStringLower(SHA256.HashData(body))}";
        var signature = SigV4Verifier.Signature(secret, date, "us-east-1", service, SigV4Verifier.StringToSign(amzDate, $"{date}/us-east-1/{service}/aws4_request", canonical));
        var request = new HttpRequestMessage(HttpMethod.Post, _bus.ServiceUrl) { Content = Json(body) };
        request.Headers.TryAddWithoutValidation("X-Amz-Target", target);
        request.Headers.TryAddWithoutValidation("X-Amz-Date", amzDate);
        request.Headers.TryAddWithoutValidation("Authorization", $"AWS4-HMAC-SHA256 Credential={keyId}/{date}/us-east-1/{service}/aws4_request, SignedHeaders=content-type;host;x-amz-date;x-amz-target, Signature={signature}");
        return request;
    }

    /// <summary>A runtime that fails the first <see cref="_failuresLeft"/> invocations with Portable's event error type and answers the rest.</summary>
    private void StartRuntime() => _runtime = Task.Run(async () =>
    {
        using var client = new HttpClient { BaseAddress = _lambda.BaseAddress, Timeout = Timeout.InfiniteTimeSpan };
        while (!_stop.IsCancellationRequested)
        {
            HttpResponseMessage next;
            try
            {
                next = await client.GetAsync(new Uri("2018-06-01/runtime/invocation/next", UriKind.Relative), _stop.Token);
            }
            catch (Exception ex) when (ex is OperationCanceledException or HttpRequestException)
            {
                return;
            }

            using (next)
            {
                var requestId = next.Headers.GetValues("Lambda-Runtime-Aws-Request-Id").Single();
                _invocations.Enqueue(await next.Content.ReadAsStringAsync());
                using var answer = Interlocked.Decrement(ref _failuresLeft) >= 0
                    ? await client.PostAsync(new Uri($"2018-06-01/runtime/invocation/{requestId}/error", UriKind.Relative), ErrorContent())
                    : await client.PostAsync(new Uri($"2018-06-01/runtime/invocation/{requestId}/response", UriKind.Relative), new StringContent("""{"status":"succeeded"}"""));
            }
        }
    });

    private static StringContent ErrorContent()
    {
        var content = new StringContent("""{"errorMessage":"IOException: ledger down","errorType":"Portable.EventFailed","stackTrace":[]}""");
        content.Headers.Add("Lambda-Runtime-Function-Error-Type", "Portable.EventFailed");
        return content;
    }
}
