namespace Portable.Emulators.Azure.Durable;

/// <summary>The Durable trigger a function is bound to, as its <c>orchestrationTrigger</c> / <c>activityTrigger</c> binding says.</summary>
public enum DurableFunctionKind
{
    /// <summary>Not a Durable function the hub can invoke (an HTTP or queue function, or no such function).</summary>
    None,

    /// <summary>An <c>orchestrationTrigger</c> function: invoked once per episode with the encoded history.</summary>
    Orchestrator,

    /// <summary>An <c>activityTrigger</c> function: invoked once per scheduled task with its argument.</summary>
    Activity,
}
