using System.Text;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Portable.Core.Functions;
using Portable.Core.Http;
using Portable.Core.Invocation;
using Portable.Core.Messaging;
using Portable.Core.State;
using Portable.Core.Storage;

namespace Portable.Testing.Tests.Hosting;

public sealed class FunctionTestHostTests
{
    private static FunctionManifest Manifest(MessageHandler? queue = null, HttpHandler? http = null) => new FunctionManifestBuilder()
        .AddHttp("web", r => r.Map("GET", "/things/{id}", http ?? ((request, _, _) =>
            ValueTask.FromResult(new PortableHttpResponse { StatusCode = 200, Body = Encoding.UTF8.GetBytes(request.RouteValues["id"]) }))))
        .AddQueue("worker", "jobs", queue ?? ((_, _, _) => ValueTask.FromResult(MessageResult.Success)))
        .Build();

    [Fact]
    public async Task SendAsync_RoutesThroughTheRealFrontDoor()
    {
        await using var host = new FunctionTestHost(Manifest());

        var found = await host.SendAsync(HttpRequestBuilder.Get("/things/42"));
        var missing = await host.SendAsync(HttpRequestBuilder.Get("/nowhere"));
        var wrongMethod = await host.SendAsync(HttpRequestBuilder.Delete("/things/42"));

        Assert.Equal("42", Encoding.UTF8.GetString(found.Body.Span));
        Assert.Equal(404, missing.StatusCode);
        Assert.Equal(405, wrongMethod.StatusCode);
    }

    [Theory]
    [InlineData("worker")]
    [InlineData("jobs")]
    public async Task DeliverAsync_ByFunctionOrQueueName_ReachesTheQueueFunction(string target)
    {
        var seen = new List<string>();
        await using var host = new FunctionTestHost(Manifest((m, _, _) =>
        {
            seen.Add(m.Id);
            return ValueTask.FromResult(MessageResult.Success);
        }));

        var settlements = await host.DeliverAsync(target, MessageBuilder.Json("{}", "a").Build(), MessageBuilder.Json("{}", "b").Build());

        Assert.Equal(["a", "b"], seen);
        Assert.Equal(["a", "b"], settlements.Select(s => s.MessageId));
        Assert.All(settlements, s => Assert.Equal(MessageOutcome.Success, s.Outcome));
    }

    [Fact]
    public async Task DeliverAsync_UnknownTarget_ThrowsNamingTheQueueFunctions()
    {
        await using var host = new FunctionTestHost(Manifest());

        var error = await Assert.ThrowsAsync<ArgumentException>(() => host.DeliverAsync("nope", MessageBuilder.Json("{}").Build()).AsTask());

        Assert.Contains("worker (jobs)", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task DeliverAsync_MessageFromAnotherSource_ArrivesFromTheFunctionsQueue()
    {
        string? source = null;
        await using var host = new FunctionTestHost(Manifest((m, _, _) =>
        {
            source = m.Source;
            return ValueTask.FromResult(MessageResult.Success);
        }));

        await host.DeliverOneAsync("worker", MessageBuilder.Json("{}").Build());

        Assert.Equal("jobs", source);
    }

    [Fact]
    public async Task DeliverAsync_PermanentFailure_IsRecordedAsADeadLetter()
    {
        await using var host = new FunctionTestHost(Manifest((_, _, _) => throw new PermanentFailureException("bad data")));
        var message = MessageBuilder.Json("{}", "m-1").From("jobs").Build();

        var settlement = await host.DeliverOneAsync("jobs", message);

        Assert.Equal(MessageOutcome.DeadLetter, settlement.Outcome);
        Assert.Equal(new DeadLetter(message, "bad data"), Assert.Single(host.DeadLetters.Received));
    }

    [Fact]
    public async Task DeliverAsync_DeadLetterSinkFails_MessageIsRetried()
    {
        await using var host = new FunctionTestHost(Manifest((_, _, _) => ValueTask.FromResult(MessageResult.DeadLetter("bad"))));
        host.DeadLetters.FailWith = new IOException("queue unreachable");

        var settlement = await host.DeliverOneAsync("jobs", MessageBuilder.Json("{}").Build());

        Assert.Equal(MessageOutcome.Retry, settlement.Outcome);
        Assert.Contains("queue unreachable", settlement.Reason, StringComparison.Ordinal);
        Assert.Empty(host.DeadLetters.Received);
    }

    [Fact]
    public async Task DeliverAsync_Redelivery_IsSuppressedByTheIdempotencyMiddleware()
    {
        var calls = 0;
        await using var host = new FunctionTestHost(Manifest((_, _, _) =>
        {
            calls++;
            return ValueTask.FromResult(MessageResult.Success);
        }));
        var message = MessageBuilder.Json("{}", "m-1").Build();

        await host.DeliverOneAsync("jobs", message);
        await host.DeliverOneAsync("jobs", message with { DeliveryCount = 2 });

        Assert.Equal(1, calls);
        Assert.NotEmpty((await host.Store.ListAsync("idempotency", 10)).Entries);
    }

    [Fact]
    public async Task Clock_AdvancedPastTheDeadline_TimesTheInvocationOut()
    {
        var entered = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var host = new FunctionTestHost(Manifest(http: async (_, _, ct) =>
        {
            entered.SetResult();
            await Task.Delay(Timeout.Infinite, ct);
            return PortableHttpResponse.Empty(200);
        }));

        var pending = host.SendAsync(HttpRequestBuilder.Get("/things/1"), new InvocationInfo(Deadline: host.Clock.GetUtcNow().AddSeconds(3)));
        await entered.Task;
        host.Clock.Advance(TimeSpan.FromSeconds(3));

        Assert.Equal(504, (await pending.AsTask().WaitAsync(TimeSpan.FromSeconds(10))).StatusCode);
        Assert.Single(host.Logs.WithEventId(1002));
    }

    [Fact]
    public async Task Options_StartTime_SetsTheClock()
    {
        var start = new DateTimeOffset(2030, 1, 1, 0, 0, 0, TimeSpan.Zero);
        await using var host = new FunctionTestHost(Manifest(), configure: o => o.StartTime = start);

        Assert.Equal(start, host.Clock.GetUtcNow());
        Assert.Same(host.Clock, host.Services.GetRequiredService<TimeProvider>());
    }

    [Fact]
    public async Task Options_Services_ReplaceTheAppsOwn()
    {
        var manifest = new FunctionManifestBuilder()
            .AddHttp("web", r => r.Map("GET", "/greeting", services =>
            {
                var greeting = services.GetRequiredService<Greeting>();
                return (_, _, _) => ValueTask.FromResult(new PortableHttpResponse { StatusCode = 200, Body = Encoding.UTF8.GetBytes(greeting.Text) });
            }))
            .Build();
        await using var host = new FunctionTestHost(
            manifest,
            services => services.AddSingleton(new Greeting("from the app")),
            o => o.Services = services => services.AddSingleton(new Greeting("from the test")));

        var response = await host.SendAsync(HttpRequestBuilder.Get("/greeting"));

        Assert.Equal("from the test", Encoding.UTF8.GetString(response.Body.Span));
    }

    [Fact]
    public async Task Options_DecorateStore_HandlersSeeTheWrapperStoreHoldsTheWrites()
    {
        CountingStore? counting = null;
        var manifest = new FunctionManifestBuilder()
            .AddHttp("web", r => r.Map("PUT", "/things/{id}", services =>
            {
                var store = services.GetRequiredService<IStateStore>();
                return async (request, _, ct) =>
                {
                    await store.PutAsync("things", request.RouteValues["id"], request.Body, cancellationToken: ct);
                    return PortableHttpResponse.Empty(204);
                };
            }))
            .Build();
        await using var host = new FunctionTestHost(manifest, configure: o => o.DecorateStore = inner => counting = new CountingStore(inner));

        await host.SendAsync(HttpRequestBuilder.Put("/things/a").WithJson("{}"));

        Assert.Equal(1, counting!.Puts);
        Assert.NotNull(await host.Store.GetAsync("things", "a"));
    }

    [Fact]
    public async Task Options_HostFunctionTargetUnknown_Throws() =>
        await Assert.ThrowsAsync<ArgumentException>(async () =>
        {
            await using var host = new FunctionTestHost(Manifest(), configure: o => o.Host = h => h.FunctionTarget = "nope");
        });

    [Fact]
    public async Task Options_MinimumLogLevel_FiltersTheRecording()
    {
        await using var host = new FunctionTestHost(Manifest(http: (_, context, _) =>
        {
            context.Logger.LogDebug("detail");
            context.Logger.LogWarning("careful");
            return ValueTask.FromResult(PortableHttpResponse.Empty(204));
        }), configure: o => o.MinimumLogLevel = LogLevel.Information);

        await host.SendAsync(HttpRequestBuilder.Get("/things/1"));

        Assert.Equal(["careful"], host.Logs.InCategory("Portable.Functions.web").Select(e => e.Message));
    }

    private sealed record Greeting(string Text);

    private sealed class CountingStore(IStateStore inner) : IStateStore
    {
        public int Puts { get; private set; }

        public ValueTask<StateEntry?> GetAsync(string collection, string key, CancellationToken cancellationToken = default) => inner.GetAsync(collection, key, cancellationToken);

        public ValueTask<StateWriteResult> InsertAsync(string collection, string key, ReadOnlyMemory<byte> value, DateTimeOffset? expiresAt = null, CancellationToken cancellationToken = default) =>
            inner.InsertAsync(collection, key, value, expiresAt, cancellationToken);

        public ValueTask<StateWriteResult> ReplaceAsync(string collection, string key, ReadOnlyMemory<byte> value, string ifMatch, DateTimeOffset? expiresAt = null, CancellationToken cancellationToken = default) =>
            inner.ReplaceAsync(collection, key, value, ifMatch, expiresAt, cancellationToken);

        public ValueTask<StateWriteResult> PutAsync(string collection, string key, ReadOnlyMemory<byte> value, DateTimeOffset? expiresAt = null, CancellationToken cancellationToken = default)
        {
            Puts++;
            return inner.PutAsync(collection, key, value, expiresAt, cancellationToken);
        }

        public ValueTask<bool> DeleteAsync(string collection, string key, string? ifMatch = null, CancellationToken cancellationToken = default) => inner.DeleteAsync(collection, key, ifMatch, cancellationToken);

        public ValueTask<StatePage> ListAsync(string collection, int limit, string? afterKey = null, CancellationToken cancellationToken = default) => inner.ListAsync(collection, limit, afterKey, cancellationToken);
    }
    [Fact]
    public async Task UploadAsync_HandlerReadsTheObjectThroughThePort_AndARedeliveryIsSuppressed()
    {
        var read = new List<string>();
        await using var host = new FunctionTestHost(new FunctionManifestBuilder()
            .AddStorageFunction("csv-upload", "uploads", async (created, context, ct) =>
            {
                await using var stored = await context.Services.GetRequiredService<IObjectStore>().OpenReadAsync(created.Bucket, created.Key, created.Version, ct);
                using var reader = new StreamReader(stored.Content);
                read.Add(await reader.ReadToEndAsync(ct));
                return MessageResult.Success;
            })
            .Build());

        var first = await host.UploadAsync("csv-upload", "uploads", "a.csv", "category,amount\n"u8.ToArray(), "text/csv");
        var created = host.Objects.Put("uploads", "b.csv", "x"u8.ToArray());
        var once = await host.DeliverObjectAsync("csv-upload", created);
        var again = await host.DeliverObjectAsync("csv-upload", created);

        Assert.All([first, once, again], r => Assert.Equal(MessageOutcome.Success, r.Outcome));
        Assert.Equal(["category,amount\n", "x"], read);
    }

    [Fact]
    public async Task DeliverObjectAsync_NotAStorageFunction_ThrowsNamingIt()
    {
        await using var host = new FunctionTestHost(Manifest());

        var error = await Assert.ThrowsAsync<ArgumentException>(async () => await host.DeliverObjectAsync("worker", new ObjectCreated { Cloud = CloudProvider.Local, Bucket = "uploads", Key = "a.csv" }));

        Assert.Contains("'worker' is not a storage-triggered function", error.Message, StringComparison.Ordinal);
    }
}
