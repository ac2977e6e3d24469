namespace Portable.Pricing.Model;

/// <summary>Which cloud each <see cref="HostingPlan"/> belongs to, how it is printed, and each cloud's plans.</summary>
public static class HostingPlans
{
    /// <summary>The plans of <paramref name="cloud"/>, its usual default first.</summary>
    public static IReadOnlyList<HostingPlan> For(Cloud cloud) => cloud switch
    {
        Model.Cloud.Aws => [HostingPlan.Lambda],
        Model.Cloud.Gcp => [HostingPlan.CloudRunRequest, HostingPlan.CloudRunInstance],
        _ => [HostingPlan.FlexOnDemand, HostingPlan.FlexAlwaysReady, HostingPlan.FunctionsConsumption],
    };

    /// <summary>The cloud <paramref name="plan"/> bills on.</summary>
    public static Cloud Cloud(this HostingPlan plan) => plan switch
    {
        HostingPlan.Lambda => Model.Cloud.Aws,
        HostingPlan.CloudRunRequest or HostingPlan.CloudRunInstance => Model.Cloud.Gcp,
        _ => Model.Cloud.Azure,
    };

    /// <summary>The plan as printed, with the workload's choices that change it (architecture, front door).</summary>
    public static string Label(this HostingPlan plan, Workload workload, PatternProfile pattern)
    {
        ArgumentNullException.ThrowIfNull(workload);
        ArgumentNullException.ThrowIfNull(pattern);
        return plan switch
        {
            HostingPlan.Lambda => $"AWS Lambda {(workload.Architecture == Architecture.X86 ? "x86" : "arm64")}"
                + (pattern.FrontDoorRequests == 0 ? "" : workload.FrontDoor switch
                {
                    FrontDoor.Http => " + HTTP API",
                    FrontDoor.Rest => " + REST API",
                    _ => " + Function URL",
                }),
            HostingPlan.CloudRunRequest => "Cloud Run, request-based",
            HostingPlan.CloudRunInstance => "Cloud Run, instance-based (min 1)",
            HostingPlan.FunctionsConsumption => "Azure Functions Consumption",
            HostingPlan.FlexOnDemand => "Azure Flex Consumption, on demand",
            _ => "Azure Flex Consumption, 1 always ready",
        };
    }

    /// <summary>The region the plan's prices are for.</summary>
    public static string Region(this HostingPlan plan) => plan.Cloud() switch
    {
        Model.Cloud.Aws => "us-east-1",
        Model.Cloud.Gcp => "us-central1",
        _ => "East US",
    };
}
