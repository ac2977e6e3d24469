using Portable.Compare.Scenarios;

namespace Portable.Compare;

/// <summary>Every scenario <c>portable compare</c> runs, in the report's order.</summary>
public static class CompareScenarios
{
    /// <summary>The scenarios, each pattern's together.</summary>
    public static IReadOnlyList<ICompareScenario> All { get; } =
    [
        new CrudScenario(),
        .. OversizedBodyScenario.Sizes,
        new SlowHandlerScenario(),
        new ColdStartBurstScenario(),
        new PoisonMessageScenario(),
        new DuplicateBurstScenario(),
        new RetriesExhaustedScenario(),
        .. OrderSagaScenario.All,
        new CsvFanOutScenario(),
    ];
}
