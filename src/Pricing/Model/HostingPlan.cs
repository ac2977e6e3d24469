namespace Portable.Pricing.Model;

/// <summary>How a cloud bills the functions' compute.</summary>
public enum HostingPlan
{
    /// <summary>AWS Lambda on demand: requests plus GB-seconds, at the workload's architecture.</summary>
    Lambda,

    /// <summary>Cloud Run request-based billing: vCPU- and GiB-seconds while serving requests, plus requests.</summary>
    CloudRunRequest,

    /// <summary>Cloud Run instance-based billing with one minimum instance: the instance's whole month, no request fee.</summary>
    CloudRunInstance,

    /// <summary>Azure Functions Consumption: executions plus GB-seconds of observed memory.</summary>
    FunctionsConsumption,

    /// <summary>Azure Functions Flex Consumption on demand: executions plus GB-seconds of instance memory.</summary>
    FlexOnDemand,

    /// <summary>Azure Functions Flex Consumption with one always-ready instance: baseline, execution GB-seconds, executions.</summary>
    FlexAlwaysReady,
}
