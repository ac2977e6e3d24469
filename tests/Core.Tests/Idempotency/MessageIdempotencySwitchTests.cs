using Portable.Core.Idempotency;
using Portable.Core.Invocation;
using Portable.Core.Messaging;
using Portable.Core.State;
using Portable.Core.Tests.Messaging;
using Portable.Testing;

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
        var ex = Assert.Throws<Portable.Core.Settings.SettingsException>(() => MessageIdempotencyMiddleware.DisabledByEnvironment(_ => value));

        Assert.Contains(MessageIdempotencyMiddleware.DisabledVariable, ex.Message, StringComparison.Ordinal);
        Assert.Contains(value, ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Default_RedeliveryIsSuppressed()
    {
        using var host = Build(disabled: null);

        var (first, second) = await DeliverTwiceAsync(host);

        Assert.Equal(MessageOutcome.Success, first);
        Assert.Equal(MessageOutcome.Success, second);
        Assert.Equal(1, _calls);
    }

    [Fact]
    public async Task DisabledByOption_RedeliveryRunsTheHandlerAgain_AndWritesNoIdempotencyRecord()
    {
        using var host = Build(disabled: true);

        var (first, second) = await DeliverTwiceAsync(host);

        Assert.Equal(MessageOutcome.Success, first);
        Assert.Equal(MessageOutcome.Success, second);
        Assert.Equal(2, _calls);
        Assert.Equal(0, await CountAsync(host.Store));
    }

    [Fact]
    public async Task EnabledByOption_RedeliveryIsSuppressed_AndTheRecordIsKept()
    {
        using var host = Build(disabled: false);

        await DeliverTwiceAsync(host);

        Assert.Equal(1, _calls);
        Assert.True(await CountAsync(host.Store) > 0, "the idempotency middleware must have written its record");
    }

    [Fact]
    public async Task DisabledByOption_ReusedIdWithOtherPayloadIsNoLongerAConflict()
    {
        using var host = Build(disabled: true);

        var first = await host.DeliverOneAsync("fn", Message("m-1", """{"a":1}""", 1));
        var other = await host.DeliverOneAsync("fn", Message("m-1", """{"a":2}""", 1));

        Assert.Equal(MessageOutcome.Success, first.Outcome);
        Assert.Equal(MessageOutcome.Success, other.Outcome); // with idempotency on this is a Conflict dead letter
        Assert.Equal(2, _calls);
    }

    private FunctionTestHost Build(bool? disabled) => new(
        TestQueue.Queue((_, _, _) =>
        {
            Interlocked.Increment(ref _calls);
            return ValueTask.FromResult(MessageResult.Success);
        }),
        configure: o => o.Host = h => h.MessageIdempotencyDisabled = disabled);

    private static async Task<(MessageOutcome First, MessageOutcome Second)> DeliverTwiceAsync(FunctionTestHost host)
    {
        var first = await host.DeliverOneAsync("fn", Message("m-1", """{"a":1}""", 1));
        var second = await host.DeliverOneAsync("fn", Message("m-1", """{"a":1}""", 2));
        return (first.Outcome, second.Outcome);
    }

    private static async Task<int> CountAsync(IStateStore store) =>
        (await store.ListAsync(IdempotencyRecords.Collection, 100)).Entries.Count;

    private static IncomingMessage Message(string id, string body, int deliveryCount) =>
        TestQueue.Message(id, body, deliveryCount: deliveryCount);
}
