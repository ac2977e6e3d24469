using Portable.Core.Patterns.Orders;
using Portable.Core.Sagas;

namespace Portable.Deploy.Tests.StepFunctions;

/// <summary>Saga definitions of every shape the generator must handle, beside the order saga.</summary>
public static class TestSagas
{
    /// <summary>Every compensable, no pivot: the last step's failure undoes the two before it.</summary>
    public static SagaDefinition NoPivot { get; } = SagaDefinition.Create("no-pivot")
        .Step("a", s => s.CompensateWith("undo-a").Retry(2, TimeSpan.FromMilliseconds(500), 1.5))
        .Step("b", s => s.CompensateWith("undo-b").Retry(2, TimeSpan.FromMilliseconds(500), 1.5))
        .Step("c", s => s.CompensateWith("undo-c"))
        .Build();

    /// <summary>A step with nothing to undo in the middle, the pivot late, and two steps after it.</summary>
    public static SagaDefinition Gaps { get; } = SagaDefinition.Create("gaps")
        .Step("s1", s => s.CompensateWith("undo-s1").Retry(2, TimeSpan.FromSeconds(1)))
        .Step("s2", s => s.Retry(2, TimeSpan.FromSeconds(1)))
        .Step("s3", s => s.CompensateWith("undo-s3"))
        .Pivot("p4", s => s.CompensateWith("undo-p4").Timeout(TimeSpan.FromSeconds(2.5)))
        .Step("s5", s => s.Retry(3, TimeSpan.FromSeconds(1), 3))
        .Step("s6")
        .Build();

    /// <summary>The pivot first: nothing is ever undone.</summary>
    public static SagaDefinition PivotFirst { get; } = SagaDefinition.Create("pivot-first")
        .Pivot("p1", s => s.CompensateWith("undo-p1"))
        .Step("s2", s => s.Retry(2, TimeSpan.FromSeconds(1)))
        .Build();

    /// <summary>One step, one attempt.</summary>
    public static SagaDefinition OneStep { get; } = SagaDefinition.Create("single").Step("only").Build();

    /// <summary>Each definition by name, for theories.</summary>
    public static IReadOnlyDictionary<string, SagaDefinition> ByName { get; } = new Dictionary<string, SagaDefinition>(StringComparer.Ordinal)
    {
        [OrderSaga.Definition.Name] = OrderSaga.Definition,
        [NoPivot.Name] = NoPivot,
        [Gaps.Name] = Gaps,
        [PivotFirst.Name] = PivotFirst,
        [OneStep.Name] = OneStep,
    };

    public static TheoryData<string> Names => [.. ByName.Keys];
}
