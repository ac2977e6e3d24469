using System.Text;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using Portable.Core.App;
using Portable.Core.Functions;
using Portable.Core.Idempotency;
using Portable.Core.Invocation;
using Portable.Core.Messaging;
using Portable.Core.State;
using Portable.Core.Patterns;

namespace Portable.Core.Tests.Idempotency;

/// <summary>
/// The process-wide switch for message idempotency: <see cref="PortableHostOptions.MessageIdempotencyDisabled"/>,
/// else <c>PORTABLE_IDEMPOTENCY_DISABLED</c>. Off, a redelivered message runs its handler again; on (the default),
/// once. The variable is read through a delegate here so no test touches the process environment.
/// </summary>
public sealed class MessageIdempotencySwitchTests
{
    private int _calls;

    [Theory]
    [InlineData(null, false)]
    [InlineData("", false)]
    [InlineData("false", false)]
    [InlineData("False", false)]
    [InlineData("0", false)]
    [InlineData("true", true)]
    [InlineData("TRUE", true)]
    [InlineData(" true ", true)]
    [InlineData("1", true)]
    public void DisabledByEnvironment_ReadsTheVariable(string? value, bool disabled)
    {
        var asked = new List<string>();
        var result = MessageIdempotencyMiddleware.DisabledByEnvironment(name =>
        {
            asked.Add(name);
            return value;
        });

        Assert.Equal(disabled, result);
        Assert.Equal(["PORTABLE_IDEMPOTENCY_DISABLED"], asked);
    }

    [Theory]
    [InlineData("yes")]
    [InlineData("2")]
    [InlineData("off")]
    public void DisabledByEnvironment_RefusesAnythingElse(string value)
    {
        var ex = Assert.Throws<InvalidOperationException>(() => MessageIdempotencyMiddleware.DisabledByEnvironment(_ => value));

        Assert.Contains(MessageIdempotencyMiddleware.DisabledVariable, ex.Message, StringComparison.Ordinal);
        Assert.Contains(value, ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Default_RedeliveryIsSuppressed()
    {
        using var services = Build(disabled: null);

        var (first, second) = await DeliverTwiceAsync(services);

        Assert.Equal(MessageOutcome.Success, first);
        Assert.Equal(MessageOutcome.Success, second);
        Assert.Equal(1, _calls);
    }

    [Fact]
    public async Task DisabledByOption_RedeliveryRunsTheHandlerAgain_AndWritesNoIdempotencyRecord()
    {
        using var services = Build(disabled: true);

        var (first, second) = await DeliverTwiceAsync(services);

        Assert.Equal(MessageOutcome.Success, first);
        Assert.Equal(MessageOutcome.Success, second);
        Assert.Equal(2, _calls);
        var store = services.GetRequiredService<IStateStore>();
        Assert.Equal(0, await CountAsync(store));
    }

    [Fact]
    public async Task EnabledByOption_RedeliveryIsSuppressed_AndTheRecordIsKept()
    {
        using var services = Build(disabled: false);

        await DeliverTwiceAsync(services);

        Assert.Equal(1, _calls);
        var store = services.GetRequiredService<IStateStore>();
        Assert.True(await CountAsync(store) > 0, "the idempotency middleware must have written its record");
    }

    [Fact]
    public async Task DisabledByOption_ReusedIdWithOtherPayloadIsNoLongerAConflict()
    {
        using var services = Build(disabled: true);
        var invoker = services.GetRequiredService<MessageInvoker>();
        var function = invoker.GetFunction("fn");

        var first = await invoker.InvokeAsync(function, [Message("m-1", """{"a":1}""", 1)], default, CancellationToken.None);
        var other = await invoker.InvokeAsync(function, [Message("m-1", """{"a":2}""", 1)], default, CancellationToken.None);

        Assert.Equal(MessageOutcome.Success, Assert.Single(first).Outcome);
        Assert.Equal(MessageOutcome.Success, Assert.Single(other).Outcome); // with idempotency on this is a Conflict dead letter
        Assert.Equal(2, _calls);
    }

    private ServiceProvider Build(bool? disabled)
    {
        var services = new ServiceCollection();
        var time = new FakeTimeProvider(new DateTimeOffset(2026, 11, 1, 12, 0, 0, TimeSpan.Zero));
        services.AddSingleton<TimeProvider>(time);
        services.AddSingleton<IStateStore>(new InMemoryStateStore(time));
        services.AddLogging();
        services.AddSingleton<IDeadLetterSink, NullDeadLetterSink>();
        services.AddPortableDefaults(o => o.MessageIdempotencyDisabled = disabled);
        PatternsApp.App.AddTo(services);
        services.AddSingleton(new FunctionManifestBuilder().AddQueue("fn", "orders", (_, _, _) =>
        {
            Interlocked.Increment(ref _calls);
            return ValueTask.FromResult(MessageResult.Success);
        }).Build());
        return services.BuildServiceProvider();
    }

    private static async Task<(MessageOutcome First, MessageOutcome Second)> DeliverTwiceAsync(ServiceProvider services)
    {
        var invoker = services.GetRequiredService<MessageInvoker>();
        var function = invoker.GetFunction("fn");
        var first = await invoker.InvokeAsync(function, [Message("m-1", """{"a":1}""", 1)], default, CancellationToken.None);
        var second = await invoker.InvokeAsync(function, [Message("m-1", """{"a":1}""", 2)], default, CancellationToken.None);
        return (Assert.Single(first).Outcome, Assert.Single(second).Outcome);
    }

    private static async Task<int> CountAsync(IStateStore store) =>
        (await store.ListAsync(IdempotencyRecords.Collection, 100)).Entries.Count;

    private static IncomingMessage Message(string id, string body, int deliveryCount) => new()
    {
        Id = id,
        Body = Encoding.UTF8.GetBytes(body),
        Source = "orders",
        DeliveryCount = deliveryCount,
        Attributes = new Dictionary<string, string>(),
    };

    private sealed class NullDeadLetterSink : IDeadLetterSink
    {
        public ValueTask DeadLetterAsync(IncomingMessage message, string reason, CancellationToken cancellationToken = default) => ValueTask.CompletedTask;
    }
}
