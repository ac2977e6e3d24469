using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Portable.Core.Functions;
using Portable.Core.Invocation;
using Portable.Core.Messaging;
using Portable.Core.Streams;
using Portable.Gcp.Events;
using Portable.Gcp.Triggers;
using Portable.Testing;

namespace Portable.Gcp.Tests.Streams;

/// <summary>
/// Stream functions on Cloud Run: a Pub/Sub push with an ordering key becomes a stream record partitioned by that key;
/// a failure answers 500, so Pub/Sub redelivers the message (and then the later ones of its key) in order.
/// </summary>
public sealed class PubSubStreamMapperTests : IDisposable
{
    private readonly List<StreamRecord> _handled = [];
    private readonly FunctionTestHost _host;

    public PubSubStreamMapperTests()
    {
        var manifest = new FunctionManifestBuilder()
            .AddStreamFunction("account-events", "account-events", (record, _, _) =>
            {
                var text = Encoding.UTF8.GetString(record.Data.Span);
                if (text.StartsWith("poison", StringComparison.Ordinal))
                {
                    throw new PermanentFailureException($"{text} is bad data");
                }

                if (text.StartsWith("flaky", StringComparison.Ordinal))
                {
                    throw new InvalidOperationException("ledger unavailable");
                }

                _handled.Add(record);
                return ValueTask.CompletedTask;
            })
            .Build();
        _host = new FunctionTestHost(manifest, configure: o => o.Host = h => h.Cloud = CloudProvider.Gcp);
    }

    public void Dispose() => _host.Dispose();

    private static string Push(string id, string data, string? orderingKey) =>
        JsonSerializer.Serialize(new Dictionary<string, object?>
        {
            ["message"] = new Dictionary<string, object?>
            {
                ["data"] = Convert.ToBase64String(Encoding.UTF8.GetBytes(data)),
                ["messageId"] = id,
                ["publishTime"] = "2026-11-01T12:00:00.123Z",
                ["orderingKey"] = orderingKey,
                ["attributes"] = new Dictionary<string, string> { ["tenant"] = "acme" },
            },
            ["subscription"] = "projects/p/subscriptions/account-events-push",
        });

    private async Task<(int Status, string Body)> PostAsync(string body, string method = "POST")
    {
        var context = new DefaultHttpContext();
        context.Request.Method = method;
        context.Request.Path = "/account-events";
        context.Request.ContentType = "application/json";
        context.Request.Body = new MemoryStream(Encoding.UTF8.GetBytes(body));
        context.Request.ContentLength = Encoding.UTF8.GetByteCount(body);
        var response = new MemoryStream();
        context.Response.Body = response;
        var invoker = _host.Services.GetRequiredService<StreamInvoker>();
        await PubSubStreamMapper.HandleAsync(context, new InvocationInfo("req-1"), invoker, invoker.GetFunction("account-events"), "account-events", NullLogger.Instance);
        return (context.Response.StatusCode, Encoding.UTF8.GetString(response.ToArray()));
    }

    [Fact]
    public async Task Post_MessageWithOrderingKey_IsARecordOfThatPartition_And204()
    {
        var (status, _) = await PostAsync(Push("m-1", "deposit 10", "acct-7"));

        Assert.Equal(204, status);
        var record = Assert.Single(_handled);
        Assert.Equal(("acct-7", "m-1", "account-events", "deposit 10"), (record.PartitionKey, record.SequenceNumber, record.Source, Encoding.UTF8.GetString(record.Data.Span)));
        Assert.Equal(new DateTimeOffset(2026, 11, 1, 12, 0, 0, 123, TimeSpan.Zero), record.ArrivedAt);
        Assert.Equal("acme", record.Attributes["tenant"]);
    }

    [Fact]
    public async Task Post_MessageWithoutOrderingKey_IsTheEmptyPartition()
    {
        await PostAsync(Push("m-2", "deposit 1", orderingKey: null));

        Assert.Equal(string.Empty, Assert.Single(_handled).PartitionKey);
    }

    [Fact]
    public async Task Post_HandlerFails_Answers500NamingTheMessageAndItsKey_SoPubSubRedeliversItFirst()
    {
        var (status, body) = await PostAsync(Push("m-3", "flaky withdraw", "acct-7"));

        Assert.Equal(500, status);
        using var error = JsonDocument.Parse(body);
        Assert.Contains("ledger unavailable", error.RootElement.GetProperty("error").GetString(), StringComparison.Ordinal);
        var details = error.RootElement.GetProperty("details");
        Assert.Equal("m-3", details.GetProperty("messageId").GetString());
        Assert.Equal("acct-7", details.GetProperty("orderingKey").GetString());
        Assert.Empty(_handled);
    }

    [Fact]
    public async Task Post_PermanentFailure_IsDeadLetteredAndAcked()
    {
        var (status, _) = await PostAsync(Push("m-4", "poison", "acct-7"));

        Assert.Equal(204, status);
        var (message, reason) = Assert.Single(_host.DeadLetters.Received);
        Assert.Equal(("m-4", "account-events", "acct-7"), (message.Id, message.Source, message.OrderingKey));
        Assert.Equal("poison is bad data", reason);
    }

    [Fact]
    public async Task Post_NotAPushEnvelope_Answers400()
    {
        var (status, body) = await PostAsync("""{"message":{"messageId":"1"}}""");

        Assert.Equal(400, status);
        Assert.Contains("neither data nor attributes", body, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Get_Answers405()
    {
        var (status, _) = await PostAsync(string.Empty, method: "GET");

        Assert.Equal(405, status);
    }

    [Fact]
    public void Choose_StreamFunction_IsServedByThePubSubStreamMapper()
    {
        // Choose throws for a function no mapper serves; the stream function has one, and it is this one.
        Assert.NotNull(CloudRunEndpoints.Choose(_host.Manifest, functionTarget: false, CloudRunTriggerMapper.Default));
        Assert.IsType<PubSubStreamMapper>(Assert.Single(CloudRunTriggerMapper.Default, m => m.CanServe(_host.Manifest.Functions[0].Trigger)));
    }
}
