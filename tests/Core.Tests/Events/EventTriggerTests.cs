using System.Collections.Concurrent;
using System.Diagnostics;
using Microsoft.Extensions.DependencyInjection;
using Portable.Core.Events;
using Portable.Core.Events.Routing;
using Portable.Core.Functions;
using Portable.Core.Invocation;
using Portable.Core.Messaging;
using Portable.Testing;
using static Portable.Core.Tests.Events.EventTestKit;

namespace Portable.Core.Tests.Events;

public sealed class EventTriggerTests
{
    private const string Placed = """{"source": ["orders"], "detail-type": ["order.placed"]}""";

    private sealed class CountingFunction : IEventFunction
    {
        public List<string> Seen { get; } = [];

        public ValueTask<MessageResult> HandleAsync(PortableEvent @event, FunctionContext context, CancellationToken cancellationToken)
        {
            Seen.Add($"{context.FunctionName}:{@event.Id}");
            return ValueTask.FromResult(MessageResult.Success);
        }
    }

    [Fact]
    public void AddEventFunction_PatternText_DeclaresAPubSubTriggerWithTheParsedRule()
    {
        var manifest = new FunctionManifestBuilder().AddEventFunction<CountingFunction>("on-placed", "order-placed", Placed).Build();

        var (function, trigger) = manifest.Find<EventTrigger>("on-placed")!.Value;

        Assert.Equal("on-placed", function.Name);
        Assert.Equal("pubsub", trigger.Kind);
        Assert.Equal(ActivityKind.Consumer, trigger.ActivityKind);
        Assert.Equal("order-placed", trigger.Rule);
        Assert.Equal(Placed, trigger.Pattern.Json);
        Assert.True(trigger.Matches(Event("orders", "order.placed")));
        Assert.False(trigger.Matches(Event("orders", "order.cancelled")));
    }

    [Fact]
    public void AddEventFunction_InvalidPattern_FailsWhenDeclared()
    {
        var builder = new FunctionManifestBuilder();

        var error = Assert.Throws<EventPatternException>(() => builder.AddEventFunction("fn", "rule-one", """{"source": "orders"}""", (_, _, _) => ValueTask.FromResult(MessageResult.Success)));

        Assert.Equal("$.source", error.Path);
    }

    [Theory]
    [InlineData("Order-Placed")]
    [InlineData("order_placed")]
    [InlineData("ab")]
    [InlineData("1-rule")]
    [InlineData("rule-")]
    [InlineData("a-rule-name-that-is-far-too-long-for-eventarc-and-event-grid-xyz")]
    public void AddEventFunction_RuleNameNotValidEverywhere_IsRefused(string rule)
    {
        var builder = new FunctionManifestBuilder();

        var error = Assert.Throws<ArgumentException>(() => builder.AddEventFunction("fn", rule, EventPattern.Parse(Placed), (_, _, _) => ValueTask.FromResult(MessageResult.Success)));

        Assert.Equal("rule", error.ParamName);
        Assert.Contains($"Rule name '{rule}' must be 3-63 lower-case letters, digits or dashes", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AddEventFunction_TypedFunction_IsResolvedFromTheHostsServices()
    {
        var function = new CountingFunction();
        await using var host = new FunctionTestHost(
            new FunctionManifestBuilder().AddEventFunction<CountingFunction>("on-placed", "order-placed", Placed).Build(),
            services => services.AddSingleton(function));
        var invoker = host.Services.GetRequiredService<EventInvoker>();

        var delivery = await invoker.InvokeAsync(invoker.GetFunction("on-placed"), Event("orders", "order.placed", id: "e-7"), default);

        Assert.Equal(new EventDelivery("on-placed", MessageOutcome.Success, null), delivery);
        Assert.Equal(["on-placed:e-7"], function.Seen);
    }

    [Fact]
    public async Task Invoke_Traced_TagsTheRuleAndTheCloudEventAttributes()
    {
        var spans = new ConcurrentBag<Activity>();
        using var listener = new ActivityListener
        {
            // By name: touching InvocationEngine.ActivitySource here would run its static constructor inside this callback.
            ShouldListenTo = source => source.Name == InvocationEngine.ActivitySourceName,
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
            ActivityStopped = spans.Add,
        };
        ActivitySource.AddActivityListener(listener);
        await using var host = new FunctionTestHost(new FunctionManifestBuilder()
            .AddEventFunction("traced-event", "order-placed", Placed, (_, _, _) => ValueTask.FromResult(MessageResult.Success)).Build());
        var invoker = host.Services.GetRequiredService<EventInvoker>();
        var placed = Event("orders", "order.placed", id: "e-traced") with { Subject = "orders/o-1" };

        await invoker.InvokeAsync(invoker.GetFunction("traced-event"), placed, default, deliveryCount: 2);

        var span = Assert.Single(spans, s => s.DisplayName == "traced-event");
        Assert.Equal(ActivityKind.Consumer, span.Kind);
        Assert.Equal("pubsub", span.GetTagItem("faas.trigger"));
        Assert.Equal("order-placed", span.GetTagItem("messaging.destination.name"));
        Assert.Equal("e-traced", span.GetTagItem("cloudevents.event_id"));
        Assert.Equal("orders", span.GetTagItem("cloudevents.event_source"));
        Assert.Equal("order.placed", span.GetTagItem("cloudevents.event_type"));
        Assert.Equal("orders/o-1", span.GetTagItem("cloudevents.event_subject"));
        Assert.Equal(2, span.GetTagItem("messaging.message.delivery_count"));
    }
}
