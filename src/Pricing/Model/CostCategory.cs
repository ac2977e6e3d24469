namespace Portable.Pricing.Model;

/// <summary>What a line item pays for.</summary>
public enum CostCategory
{
    /// <summary>The functions' compute and their per-request or per-execution fee.</summary>
    Compute,

    /// <summary>The API gateway in front of the functions.</summary>
    FrontDoor,

    /// <summary>Queues, topics, event buses, schedulers and streams.</summary>
    Messaging,

    /// <summary>The cloud's orchestrator: Step Functions, Workflows, Durable Functions' task hub.</summary>
    Orchestrator,

    /// <summary>The state store: DynamoDB, Cloud SQL, Table Storage.</summary>
    StateStore,

    /// <summary>Log ingestion.</summary>
    Logs,
}
