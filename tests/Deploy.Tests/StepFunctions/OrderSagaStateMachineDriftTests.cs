using Portable.Core.Patterns.Orders;
using Portable.Deploy.StepFunctions;
using Portable.TestKit;

namespace Portable.Deploy.Tests.StepFunctions;

/// <summary>
/// The committed <c>deploy/aws/order-saga.asl.json</c> is exactly what the generator makes from
/// <see cref="OrderSaga.Definition"/>: a change to the definition (or the generator) that is not regenerated fails here.
/// Run with <c>PORTABLE_UPDATE_DEPLOY=1</c> to rewrite the file instead (then review and commit it).
/// </summary>
public sealed class OrderSagaStateMachineDriftTests
{
    public static string CommittedPath => Path.Combine(RepoPaths.Root, "deploy", StepFunctionsGenerator.PathFor(OrderSaga.Definition));

    [Fact]
    public void CommittedStateMachine_MatchesTheDefinition()
    {
        var generated = StepFunctionsGenerator.Generate(OrderSaga.Definition);
        Assert.Equal("aws/order-saga.asl.json", generated.Path);
        if (Environment.GetEnvironmentVariable("PORTABLE_UPDATE_DEPLOY") == "1")
        {
            File.WriteAllText(CommittedPath, generated.Content);
        }

        Assert.True(File.Exists(CommittedPath), $"{CommittedPath} is missing: run this test with PORTABLE_UPDATE_DEPLOY=1 to generate it.");
        var committed = File.ReadAllText(CommittedPath);
        Assert.True(
            committed == generated.Content,
            $"deploy/{generated.Path} has drifted from OrderSaga.Definition: run `PORTABLE_UPDATE_DEPLOY=1 dotnet test tests/Deploy.Tests --filter {nameof(OrderSagaStateMachineDriftTests)}`, review the diff and commit it.");
    }
}
