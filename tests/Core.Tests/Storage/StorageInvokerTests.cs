using System.Text;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Portable.Core.Functions;
using Portable.Core.Invocation;
using Portable.Core.Json;
using Portable.Core.Messaging;
using Portable.Core.Storage;
using Portable.Testing;

namespace Portable.Core.Tests.Storage;

/// <summary>The storage front door: the handler reads the object through the port; outcomes settle as a queue message's do.</summary>
public sealed class StorageInvokerTests
{
    private readonly List<(ObjectCreated Created, string Content, string? ContentType, FunctionContext Context)> _seen = [];

    // Reads the object it is told about; "poison…" content is bad data, "flaky…" content a transient fault.
    private FunctionTestHost Host(string? prefix = null, string? suffix = ".csv") => new(new FunctionManifestBuilder()
        .AddStorageFunction("csv-upload", "uploads", async (created, context, ct) =>
        {
            var store = context.Services.GetRequiredService<IObjectStore>();
            await using var stored = await store.OpenReadAsync(created.Bucket, created.Key, created.Version, ct);
            using var reader = new StreamReader(stored.Content, Encoding.UTF8);
            var content = await reader.ReadToEndAsync(ct);
            lock (_seen)
            {
                _seen.Add((created, content, stored.ContentType, context));
            }

            return content.StartsWith("poison", StringComparison.Ordinal) ? throw new PermanentFailureException($"{created.Key} is not a CSV")
                : content.StartsWith("flaky", StringComparison.Ordinal) ? throw new IOException("downstream unavailable")
                : MessageResult.Success;
        }, prefix, suffix)
        .Build());

    [Fact]
    public async Task Upload_HandlerReadsTheObjectThroughThePort()
    {
        await using var host = Host();

        var result = await host.UploadAsync("csv-upload", "uploads", "in/a.csv", "category,amount\n"u8.ToArray(), "text/csv");

        Assert.Equal(MessageResult.Success, result);
        var (created, content, contentType, context) = Assert.Single(_seen);
        Assert.Equal(("uploads", "in/a.csv"), (created.Bucket, created.Key));
        Assert.Equal(("category,amount\n", "text/csv"), (content, contentType));
        Assert.Equal("datasource", context.Function.Trigger.Kind);
        Assert.Same(created, context.Input);
    }

    [Fact]
    public async Task Invoke_PassesTheInvocationIdAndDeliveryCount()
    {
        await using var host = Host();
        var created = host.Objects.Put("uploads", "a.csv", "x"u8.ToArray());

        await host.StorageInvoker.InvokeAsync(host.StorageInvoker.GetFunction("csv-upload"), created, new InvocationInfo("req-7"), CancellationToken.None, deliveryCount: 3);

        var context = Assert.Single(_seen).Context;
        Assert.Equal(("req-7", 3), (context.InvocationId, context.DeliveryCount));
    }

    [Theory]
    [InlineData(null, ".csv", "a.txt")]
    [InlineData("in/", null, "out/a.csv")]
    public async Task KeyOutsideTheFilter_SucceedsWithoutRunningTheHandler(string? prefix, string? suffix, string key)
    {
        await using var host = Host(prefix, suffix);

        var result = await host.UploadAsync("csv-upload", "uploads", key, "x"u8.ToArray());

        Assert.Equal(new MessageResult(MessageOutcome.Success, StorageInvoker.SkippedReason), result);
        Assert.Empty(_seen);
    }

    [Fact]
    public async Task PermanentFailure_DeadLettersTheNeutralEventAtOnce()
    {
        await using var host = Host();
        var created = host.Objects.Put("uploads", "bad.csv", "poison"u8.ToArray());

        var result = await host.DeliverObjectAsync("csv-upload", created);

        Assert.Equal(MessageResult.DeadLetter("bad.csv is not a CSV"), result);
        var dead = Assert.Single(host.DeadLetters.Received);
        Assert.Equal("bad.csv is not a CSV", dead.Reason);
        Assert.Equal(("csv-upload", created.DeduplicationKey), (dead.Message.Source, dead.Message.Id));
        Assert.Equal(("uploads", "bad.csv"), (dead.Message.Attributes["bucket"], dead.Message.Attributes["key"]));
        Assert.Equal(created, JsonSerializer.Deserialize(dead.Message.Body.Span, CoreJsonContext.Default.ObjectCreated));
    }

    [Fact]
    public async Task ObjectGoneBeforeItIsRead_IsDeadLetteredNotRetried()
    {
        await using var host = Host();
        var created = host.Objects.Put("uploads", "gone.csv", "x"u8.ToArray());
        host.Objects.Delete("uploads", "gone.csv");

        var result = await host.DeliverObjectAsync("csv-upload", created);

        Assert.Equal(MessageOutcome.DeadLetter, result.Outcome);
        Assert.Contains("'gone.csv' was not found in bucket 'uploads'", result.Reason, StringComparison.Ordinal);
        Assert.Single(host.DeadLetters.Received);
    }

    [Fact]
    public async Task DeadLetterSinkRefuses_TheEventIsRetriedNotLost()
    {
        await using var host = Host();
        host.DeadLetters.FailWith = new IOException("dlq unreachable");

        var result = await host.UploadAsync("csv-upload", "uploads", "bad.csv", "poison"u8.ToArray());

        Assert.Equal(MessageOutcome.Retry, result.Outcome);
        Assert.Contains("dlq unreachable", result.Reason, StringComparison.Ordinal);
        Assert.Single(host.Logs.WithEventId(8103));
    }

    [Fact]
    public async Task TransientFault_IsRetriedAndLogged()
    {
        await using var host = Host();

        var result = await host.UploadAsync("csv-upload", "uploads", "a.csv", "flaky"u8.ToArray());

        Assert.Equal(MessageOutcome.Retry, result.Outcome);
        Assert.Contains("IOException: downstream unavailable", result.Reason, StringComparison.Ordinal);
        Assert.Empty(host.DeadLetters.Received);
        Assert.Equal(LogLevel.Warning, Assert.Single(host.Logs.WithEventId(8101)).Level);
    }

    [Fact]
    public async Task DeadlinePassed_IsRetried()
    {
        await using var host = new FunctionTestHost(new FunctionManifestBuilder()
            .AddStorageFunction("slow", "uploads", async (_, context, ct) =>
            {
                await Task.Delay(TimeSpan.FromMinutes(1), context.TimeProvider, ct);
                return MessageResult.Success;
            })
            .Build());
        var created = host.Objects.Put("uploads", "a.csv", "x"u8.ToArray());

        var pending = host.DeliverObjectAsync("slow", created, new InvocationInfo("req-1", host.Clock.GetUtcNow().AddSeconds(10))).AsTask();
        while (!pending.IsCompleted)
        {
            host.Clock.Advance(TimeSpan.FromSeconds(5));
            await Task.Delay(10);
        }

        Assert.Equal(MessageResult.Retry("The function did not finish before its deadline."), await pending);
    }

    [Fact]
    public void GetFunction_NotAStorageFunction_ThrowsNamingIt()
    {
        using var host = new FunctionTestHost(new FunctionManifestBuilder().AddQueue("q", "jobs", (_, _, _) => ValueTask.FromResult(MessageResult.Success)).Build());

        var error = Assert.Throws<ArgumentException>(() => host.StorageInvoker.GetFunction("q"));

        Assert.Contains("'q' is not a storage-triggered function", error.Message, StringComparison.Ordinal);
    }
}
