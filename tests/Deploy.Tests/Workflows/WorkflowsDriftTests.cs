using Portable.Core.Patterns.Orders;
using Portable.TestKit;

namespace Portable.Deploy.Tests.Workflows;

/// <summary>The committed deploy/gcp workflow is what <c>WorkflowsGenerator</c> makes of <see cref="OrderSaga.Definition"/> today.</summary>
public class WorkflowsDriftTests
{
    /// <summary>Set to 1 to rewrite the committed file from the definition instead of only comparing (see deploy/gcp/README.md).</summary>
    public const string UpdateVariable = "PORTABLE_UPDATE_DEPLOY";

    [Fact]
    public void CommittedWorkflow_EqualsTheOneGeneratedFromOrderSagaDefinition()
    {
        var generated = OrderSagaWorkflow.File;
        var committed = Path.Combine(RepoPaths.Root, "deploy", generated.Path);
        if (Environment.GetEnvironmentVariable(UpdateVariable) == "1")
        {
            File.WriteAllText(committed, generated.Content);
        }

        Assert.True(File.Exists(committed), $"deploy/{generated.Path} is missing: run {UpdateVariable}=1 dotnet test tests/Deploy.Tests --filter WorkflowsDriftTests.");
        Assert.True(
            File.ReadAllText(committed).ReplaceLineEndings("\n") == generated.Content,
            $"deploy/{generated.Path} has drifted from OrderSaga.Definition: run {UpdateVariable}=1 dotnet test tests/Deploy.Tests --filter WorkflowsDriftTests and commit the result.");
    }
}
