using Portable.Core.Events;
using Portable.Core.Functions;
using Portable.Core.Patterns.Choreography;
using Portable.Core.Patterns.Orders;
using Portable.Core.Sagas;

namespace Portable.Core.Tests.Patterns.Choreography;

/// <summary>
/// How long one delivery of a choreographed step may take: the step retries within the delivery, so its function's
/// timeout must cover every attempt and the waits between them (regression: the functions had the platform default,
/// Lambda's 30 s in the exported template, which stops a slow step between attempts).
/// </summary>
public sealed class SagaChoreographyTimeoutTests
{
    [Fact]
    public void DeliveryTimeout_EveryAttemptTheWaitsAndTheBackstop()
    {
        var saga = SagaDefinition.Create("s")
            .Step("a", s => s.CompensateWith("undo-a").Retry(3, TimeSpan.FromSeconds(1)).Timeout(TimeSpan.FromSeconds(10)))
            .Step("b", s => s.Timeout(TimeSpan.FromSeconds(4)))
            .Build();

        Assert.Equal(TimeSpan.FromSeconds(30 + 1 + 2) + SagaChoreography.DeliveryBackstop, SagaChoreography.DeliveryTimeout(saga, "a"));
        Assert.Equal(SagaChoreography.DeliveryTimeout(saga, "a"), SagaChoreography.DeliveryTimeout(saga, "undo-a"));
        Assert.Equal(TimeSpan.FromSeconds(4) + SagaChoreography.DeliveryBackstop, SagaChoreography.DeliveryTimeout(saga, "b"));
        Assert.Throws<ArgumentException>(() => SagaChoreography.DeliveryTimeout(saga, "c"));
    }

    [Fact]
    public void AddOrderChoreography_EachFunctionsTimeoutIsItsStepsDeliveryTimeout()
    {
        var manifest = new FunctionManifestBuilder().AddOrders().AddOrderChoreography().Build();

        foreach (var handler in OrderChoreography.Handlers)
        {
            var trigger = manifest.Find<EventTrigger>(OrderChoreography.FunctionName(handler))!.Value.Trigger;
            Assert.Equal(SagaChoreography.DeliveryTimeout(OrderSaga.Definition, handler), trigger.Options.Timeout);
            Assert.True(trigger.Options.Timeout > TimeSpan.FromSeconds(30), $"{handler}: {trigger.Options.Timeout}");
        }
    }

    [Fact]
    public void EventTriggerOptions_TimeoutNotPositive_Refused()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new EventTriggerOptions { Timeout = TimeSpan.Zero });
        Assert.Null(new EventTriggerOptions().Timeout);
    }
}
