using System.Text.Json.Nodes;
using Portable.Core.Patterns.Orders;
using Portable.Deploy.StepFunctions;

namespace Portable.Deploy.Tests.StepFunctions;

/// <summary>The generated machines pass npm asl-validator, and the validator does catch what a broken generator would make.</summary>
public sealed class GeneratedStateMachineValidationTests
{
    [Fact]
    public async Task CommittedOrderSaga_IsValid()
    {
        var (isValid, output) = await AslValidator.ValidateAsync(await File.ReadAllTextAsync(OrderSagaStateMachineDriftTests.CommittedPath));
        Assert.True(isValid, output);
        Assert.Contains("is valid", output, StringComparison.Ordinal);
    }

    [Theory]
    [MemberData(nameof(TestSagas.Names), MemberType = typeof(TestSagas))]
    public async Task Generate_AnySaga_IsValid(string saga)
    {
        var (isValid, output) = await AslValidator.ValidateAsync(StepFunctionsGenerator.Generate(TestSagas.ByName[saga]).Content);
        Assert.True(isValid, output);
    }

    [Fact]
    public async Task Validate_UnreachableCompensation_IsRejected()
    {
        // What the generator made before it left out the pivot's compensation: a state nothing transitions to.
        var machine = OrderMachine();
        machine["States"]!["cancel-shipment"] = machine["States"]!["refund-payment"]!.DeepClone();
        var (isValid, output) = await AslValidator.ValidateAsync(machine.ToJsonString());
        Assert.False(isValid);
        Assert.Contains("State cancel-shipment is not reachable", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Validate_CatchIntoAMissingState_IsRejected()
    {
        var machine = OrderMachine();
        machine["States"]!["charge-payment"]!["Catch"]![0]!["Next"] = "release-stock";
        var (isValid, output) = await AslValidator.ValidateAsync(machine.ToJsonString());
        Assert.False(isValid);
        Assert.Contains("Missing 'StartAt'|'Next'|'Default' target: release-stock", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Validate_NegativeMaxAttempts_IsRejected()
    {
        var machine = OrderMachine();
        machine["States"]!["charge-payment"]!["Retry"]![0]!["MaxAttempts"] = -1;
        var (isValid, output) = await AslValidator.ValidateAsync(machine.ToJsonString());
        Assert.False(isValid);
        Assert.Contains("/States/charge-payment/Retry/0/MaxAttempts is invalid", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Validate_BrokenPayloadPath_IsRejected()
    {
        var machine = OrderMachine();
        machine["States"]!["reserve-inventory"]!["Parameters"]!["Payload"]!["attempt.$"] = "States.MathAdd($$.State.RetryCount, 1";
        var (isValid, output) = await AslValidator.ValidateAsync(machine.ToJsonString());
        Assert.False(isValid);
        Assert.Contains("/States/reserve-inventory/Parameters/Payload/attempt.$ is invalid", output, StringComparison.Ordinal);
    }

    private static JsonObject OrderMachine() => JsonNode.Parse(StepFunctionsGenerator.Generate(OrderSaga.Definition).Content)!.AsObject();
}
