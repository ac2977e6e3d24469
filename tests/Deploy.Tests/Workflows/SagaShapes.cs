using Portable.Core.Patterns.Orders;
using Portable.Core.Sagas;

namespace Portable.Deploy.Tests.Workflows;

/// <summary>Saga definitions of different shapes, for the tests that must hold for any <see cref="SagaDefinition"/>.</summary>
public static class SagaShapes
{
    /// <summary>The shapes' names, as theory data.</summary>
    public static TheoryData<string> Names => [.. All.Keys];

    /// <summary>Each shape by name: the order saga and three others.</summary>
    public static Dictionary<string, SagaDefinition> All { get; } = new(StringComparer.Ordinal)
    {
        ["order"] = OrderSaga.Definition,

        // No pivot: the last step's failure undoes every step before it. A coefficient of 1.5, which Workflows rounds up.
        ["no-pivot"] = SagaDefinition.Create("transfer")
            .Step("debit", s => s.CompensateWith("credit-back").Retry(3, TimeSpan.FromSeconds(3), 1.5))
            .Step("credit", s => s.CompensateWith("debit-back").Retry(3, TimeSpan.FromSeconds(1)))
            .Step("confirm", s => s.Retry(2, TimeSpan.FromSeconds(1)))
            .Build(),

        // A step with nothing to undo between compensable ones, single-attempt handlers, a pivot with no compensation.
        ["gaps"] = SagaDefinition.Create("trip")
            .Step("hold-seat", s => s.CompensateWith("free-seat"))
            .Step("log-request")
            .Step("charge", s => s.CompensateWith("refund").Retry(2, TimeSpan.FromSeconds(2)))
            .Pivot("issue-ticket")
            .Step("email", s => s.Retry(3, TimeSpan.FromSeconds(1)))
            .Build(),

        // The pivot first, so nothing is ever compensated; two steps after it, each failure passed on.
        ["pivot-first"] = SagaDefinition.Create("signup")
            .Pivot("create-account", s => s.CompensateWith("delete-account").Retry(2, TimeSpan.FromSeconds(1)))
            .Step("welcome", s => s.Retry(2, TimeSpan.FromSeconds(1)))
            .Step("survey")
            .Build(),
    };
}
