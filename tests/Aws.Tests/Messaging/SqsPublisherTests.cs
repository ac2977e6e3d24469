using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Amazon.Runtime;
using Amazon.SQS.Model;
using Portable.Aws.Messaging;
using Portable.Core.Messaging;
using Portable.Core.Settings;
using Portable.Engines;

namespace Portable.Aws.Tests.Messaging;

/// <summary>
/// The exact wire requests the publisher sends, recorded on loopback and checked against the documented SQS AWS JSON
/// protocol: <c>POST /</c>, <c>X-Amz-Target: AmazonSQS.&lt;Action&gt;</c>, <c>Content-Type: application/x-amz-json-1.0</c>,
/// a SigV4 <c>Authorization</c> for service <c>sqs</c>, and a JSON body with <c>QueueUrl</c>, <c>MessageBody</c> and
/// <c>MessageAttributes{name:{DataType,StringValue}}</c>
/// (https://docs.aws.amazon.com/AWSSimpleQueueService/latest/SQSDeveloperGuide/sqs-making-api-requests-json.html).
/// </summary>
public sealed class SqsPublisherTests : IAsyncLifetime
{
    private RecordingHttpServer _server = null!;
    private SqsPublisher _publisher = null!;

    public Task InitializeAsync()
    {
        _server = new RecordingHttpServer(Respond);
        _publisher = new SqsPublisher(new SqsPublisherOptions
        {
            ServiceUrl = _server.BaseUri,
            Region = "eu-west-1",
            Credentials = new BasicAWSCredentials("AKIDEXAMPLE", "secret"),
        });
        return Task.CompletedTask;
    }

    public async Task DisposeAsync()
    {
        _publisher.Dispose();
        await _server.DisposeAsync();
    }

    private RecordedResponse Respond(RecordedRequest request)
    {
        using var json = JsonDocument.Parse(request.Body);
        var root = json.RootElement;
        return request.Headers.GetValueOrDefault("X-Amz-Target") switch
        {
            "AmazonSQS.GetQueueUrl" when root.GetProperty("QueueName").GetString() == "missing" => Json(400, """{"__type":"com.amazonaws.sqs#QueueDoesNotExist","message":"The specified queue does not exist."}""", ("x-amzn-query-error", "AWS.SimpleQueueService.NonExistentQueue;Sender")),
            "AmazonSQS.GetQueueUrl" => Json(200, $$"""{"QueueUrl":"{{_server.BaseUri}}123456789012/{{root.GetProperty("QueueName").GetString()}}"}"""),
            "AmazonSQS.SendMessage" => Json(200, $$"""{"MessageId":"id-{{_server.Requests.Count}}","MD5OfMessageBody":"{{Md5(root.GetProperty("MessageBody").GetString()!)}}"}"""),
            "AmazonSQS.SendMessageBatch" => Json(200, BatchAnswer(root)),
            var other => Json(400, $$"""{"__type":"com.amazonaws.sqs#InvalidAction","message":"unexpected {{other}}"}"""),
        };
    }

    // Accepts every entry but the one whose body is "refuse".
    private static string BatchAnswer(JsonElement root)
    {
        var ok = new List<string>();
        var failed = new List<string>();
        foreach (var entry in root.GetProperty("Entries").EnumerateArray())
        {
            var id = entry.GetProperty("Id").GetString()!;
            var body = entry.GetProperty("MessageBody").GetString()!;
            if (body == "refuse")
            {
                failed.Add($$"""{"Id":"{{id}}","Code":"InvalidMessageContents","Message":"refused","SenderFault":true}""");
            }
            else
            {
                ok.Add($$"""{"Id":"{{id}}","MessageId":"batch-{{id}}","MD5OfMessageBody":"{{Md5(body)}}"}""");
            }
        }

        return $$"""{"Successful":[{{string.Join(",", ok)}}],"Failed":[{{string.Join(",", failed)}}]}""";
    }

    private static RecordedResponse Json(int status, string body, params (string Name, string Value)[] headers) =>
        new(status, "application/x-amz-json-1.0", body, headers.ToDictionary(h => h.Name, h => h.Value));

#pragma warning disable CA5351 // SQS itself answers with MD5 digests of the body; the SDK checks them.
    private static string Md5(string text) => Convert.ToHexStringLower(MD5.HashData(Encoding.UTF8.GetBytes(text)));
#pragma warning restore CA5351

    private static OutgoingMessage Message(string body, params (string Name, string Value)[] attributes) =>
        new(Encoding.UTF8.GetBytes(body), attributes.ToDictionary(a => a.Name, a => a.Value));

    [Fact]
    public async Task PublishAsync_SendsTheDocumentedJsonProtocolRequests()
    {
        var id = await _publisher.PublishAsync("payments", Message("""{"paymentId":"p1"}""", ("tenant", "acme")));

        Assert.Equal("id-2", id);
        var requests = _server.Requests;
        Assert.Equal(2, requests.Count);
        Assert.All(requests, r =>
        {
            Assert.Equal("POST", r.Method);
            Assert.Equal("/", r.PathAndQuery);
            Assert.StartsWith("application/x-amz-json-1.0", r.Headers["Content-Type"], StringComparison.Ordinal);
            Assert.Matches("^AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/[0-9]{8}/eu-west-1/sqs/aws4_request, SignedHeaders=.*x-amz-target.*, Signature=[0-9a-f]{64}$", r.Headers["Authorization"]);
        });

        Assert.Equal("AmazonSQS.GetQueueUrl", requests[0].Headers["X-Amz-Target"]);
        using (var getUrl = JsonDocument.Parse(requests[0].Body))
        {
            Assert.Equal("payments", getUrl.RootElement.GetProperty("QueueName").GetString());
        }

        Assert.Equal("AmazonSQS.SendMessage", requests[1].Headers["X-Amz-Target"]);
        using var send = JsonDocument.Parse(requests[1].Body);
        var body = send.RootElement;
        Assert.Equal($"{_server.BaseUri}123456789012/payments", body.GetProperty("QueueUrl").GetString());
        Assert.Equal("""{"paymentId":"p1"}""", body.GetProperty("MessageBody").GetString());
        var attribute = body.GetProperty("MessageAttributes").GetProperty("tenant");
        Assert.Equal("String", attribute.GetProperty("DataType").GetString());
        Assert.Equal("acme", attribute.GetProperty("StringValue").GetString());
        Assert.False(body.TryGetProperty("MessageGroupId", out _));
        Assert.False(body.TryGetProperty("MessageDeduplicationId", out _));
    }

    [Fact]
    public async Task PublishAsync_SameQueueTwice_ResolvesItsUrlOnce()
    {
        await _publisher.PublishAsync("payments", Message("a"));
        await _publisher.PublishAsync("payments", Message("b"));
        await _publisher.PublishAsync("payments-dlq", Message("c"));

        Assert.Equal(
            ["AmazonSQS.GetQueueUrl", "AmazonSQS.SendMessage", "AmazonSQS.SendMessage", "AmazonSQS.GetQueueUrl", "AmazonSQS.SendMessage"],
            _server.Requests.Select(r => r.Headers["X-Amz-Target"]));
    }

    [Fact]
    public async Task PublishAsync_FifoQueue_SetsGroupAndDeduplicationIds()
    {
        await _publisher.PublishAsync("orders.fifo", new OutgoingMessage(Encoding.UTF8.GetBytes("x"), null, "order-7"));

        using var send = JsonDocument.Parse(_server.Requests[^1].Body);
        Assert.Equal("orders.fifo", send.RootElement.GetProperty("MessageGroupId").GetString());
        Assert.Equal("order-7", send.RootElement.GetProperty("MessageDeduplicationId").GetString());
    }

    [Fact]
    public async Task PublishAsync_UnknownQueue_ThrowsQueueDoesNotExist()
    {
        await Assert.ThrowsAsync<QueueDoesNotExistException>(() => _publisher.PublishAsync("missing", Message("x")).AsTask());
        Assert.DoesNotContain(_server.Requests, r => r.Headers["X-Amz-Target"] == "AmazonSQS.SendMessage");
    }

    [Theory]
    [InlineData(new byte[0], "empty")]
    [InlineData(new byte[] { 0xC3, 0x28 }, "UTF-8")]
    public async Task PublishAsync_BodySqsWouldRefuse_ThrowsBeforeSending(byte[] body, string named)
    {
        var error = await Assert.ThrowsAsync<ArgumentException>(() => _publisher.PublishAsync("payments", new OutgoingMessage(body)).AsTask());

        Assert.Contains(named, error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(_server.Requests, r => r.Headers["X-Amz-Target"] == "AmazonSQS.SendMessage");
    }

    [Fact]
    public async Task PublishAsync_ElevenAttributes_ThrowsNamingTheLimit()
    {
        var attributes = Enumerable.Range(0, 11).Select(i => ($"a{i}", "v")).ToArray();

        var error = await Assert.ThrowsAsync<ArgumentException>(() => _publisher.PublishAsync("payments", Message("x", attributes)).AsTask());

        Assert.Contains("at most 10", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task PublishBatchAsync_TwelveMessages_SendsTwoBatchesAndReportsEachEntry()
    {
        var messages = Enumerable.Range(0, 12).Select(i => Message(i == 4 ? "refuse" : $"m{i}", ("n", i.ToString(System.Globalization.CultureInfo.InvariantCulture)))).ToArray();

        var results = await _publisher.PublishBatchAsync("payments", messages);

        var batches = _server.Requests.Where(r => r.Headers["X-Amz-Target"] == "AmazonSQS.SendMessageBatch").ToArray();
        Assert.Equal(2, batches.Length);
        using var first = JsonDocument.Parse(batches[0].Body);
        var entries = first.RootElement.GetProperty("Entries");
        Assert.Equal(10, entries.GetArrayLength());
        Assert.Equal($"{_server.BaseUri}123456789012/payments", first.RootElement.GetProperty("QueueUrl").GetString());
        Assert.Equal("0", entries[0].GetProperty("Id").GetString());
        Assert.Equal("m0", entries[0].GetProperty("MessageBody").GetString());
        Assert.Equal("0", entries[0].GetProperty("MessageAttributes").GetProperty("n").GetProperty("StringValue").GetString());
        using var second = JsonDocument.Parse(batches[1].Body);
        Assert.Equal(["10", "11"], second.RootElement.GetProperty("Entries").EnumerateArray().Select(e => e.GetProperty("Id").GetString()));

        Assert.Equal(12, results.Count);
        Assert.Equal(11, results.Count(r => r.Succeeded));
        Assert.Equal("batch-11", results[11].MessageId);
        Assert.False(results[4].Succeeded);
        Assert.Equal("InvalidMessageContents", results[4].ErrorCode);
    }

    [Fact]
    public async Task DeadLetterSink_SendsToTheDlqWithReasonAndOrigin()
    {
        var sink = new SqsDeadLetterSink(_publisher);
        var message = new IncomingMessage
        {
            Id = "m-9",
            Body = Encoding.UTF8.GetBytes("""{"bad":true}"""),
            Source = "payments",
            DeliveryCount = 2,
            Attributes = Enumerable.Range(0, 9).ToDictionary(i => $"a{i}", i => "v").Append(new("traceparent", "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01")).ToDictionary(),
        };

        await sink.DeadLetterAsync(message, "Invalid payment: amount is required.");

        Assert.Equal("payments-dlq", JsonDocument.Parse(_server.Requests[0].Body).RootElement.GetProperty("QueueName").GetString());
        using var send = JsonDocument.Parse(_server.Requests[^1].Body);
        var attributes = send.RootElement.GetProperty("MessageAttributes");
        Assert.Equal("""{"bad":true}""", send.RootElement.GetProperty("MessageBody").GetString());
        Assert.Equal("Invalid payment: amount is required.", attributes.GetProperty("portable-dead-letter-reason").GetProperty("StringValue").GetString());
        Assert.Equal("m-9", attributes.GetProperty("portable-original-id").GetProperty("StringValue").GetString());
        Assert.Equal("payments", attributes.GetProperty("portable-source").GetProperty("StringValue").GetString());
        Assert.Equal("2", attributes.GetProperty("portable-delivery-count").GetProperty("StringValue").GetString());
        Assert.True(attributes.TryGetProperty("traceparent", out _)); // kept first when the original's attributes do not all fit
        Assert.Equal(10, attributes.EnumerateObject().Count());
    }

    [Fact]
    public void OptionsFrom_Settings_ReadsTheSqsEndpointOverrideAndRegion()
    {
        var env = new Dictionary<string, string?> { ["AWS_ENDPOINT_URL_SQS"] = "http://127.0.0.1:4566", ["AWS_ENDPOINT_URL"] = "http://other", ["AWS_REGION"] = "ap-south-1" };

        var options = SqsPublisherOptions.From(new HostSettings(env.GetValueOrDefault));

        Assert.Equal(new Uri("http://127.0.0.1:4566"), options.ServiceUrl);
        Assert.Equal("ap-south-1", options.Region);
        Assert.Null(options.Credentials);
    }

    [Fact]
    public void OptionsFrom_SharedEndpointOnly_UsesIt()
    {
        var options = SqsPublisherOptions.From(new HostSettings(name => name == SqsPublisherOptions.SharedEndpointVariable ? "https://sqs.example.test" : null));

        Assert.Equal(new Uri("https://sqs.example.test"), options.ServiceUrl);
    }

    [Theory]
    [InlineData(SqsPublisherOptions.EndpointVariable, "not a url")]
    [InlineData(SqsPublisherOptions.EndpointVariable, "localhost:4566")]
    [InlineData(SqsPublisherOptions.SharedEndpointVariable, "ftp://127.0.0.1")]
    public void OptionsFrom_BadEndpoint_ThrowsNamingVariableValueAndWhatIsAccepted(string variable, string value)
    {
        var e = Assert.Throws<SettingsException>(() => SqsPublisherOptions.From(new HostSettings(name => name == variable ? value : null)));

        Assert.Equal(variable, e.Variable);
        Assert.Equal(value, e.Value);
        Assert.Contains("http://", e.Message, StringComparison.Ordinal);
    }
}
