namespace Portable.Deploy;

/// <summary>
/// How one function is sized and wired when deployed, on every cloud: the things a manifest does not say because they
/// are about the platform, not the handler. Unset members take <see cref="DeploymentOptions.Defaults"/>.
/// </summary>
public sealed record FunctionDeployment
{
    /// <summary>Memory in MB: Lambda's <c>MemorySize</c> (128-10240), Cloud Run's memory limit, Azure's instance memory.</summary>
    public int? MemoryMb { get; init; }

    /// <summary>How long one invocation may run, in seconds: Lambda's <c>Timeout</c> (at most 900), Cloud Run's request timeout (at most 3600).</summary>
    public int? TimeoutSeconds { get; init; }

    /// <summary>The Lambda architecture.</summary>
    public LambdaArchitecture? Architecture { get; init; }

    /// <summary>Lambda provisioned concurrency on a <c>live</c> alias (the triggers then invoke the alias), or none when null or 0.</summary>
    public int? ProvisionedConcurrency { get; init; }

    /// <summary>Cloud Run's minimum instances kept warm (<c>autoscaling.knative.dev/minScale</c>).</summary>
    public int? MinInstances { get; init; }

    /// <summary>Cloud Run's maximum instances (<c>autoscaling.knative.dev/maxScale</c>).</summary>
    public int? MaxInstances { get; init; }

    /// <summary>Cloud Run's requests served at once by one instance (<c>containerConcurrency</c>, 1-1000).</summary>
    public int? Concurrency { get; init; }

    /// <summary>
    /// The queues the function publishes to (manifest names), so it is allowed to send there and nowhere else. A
    /// queue function may always send to its own <c>&lt;queue&gt;-dlq</c>, where Portable's dead-letter sink puts a poison
    /// message; that one need not be listed.
    /// </summary>
    public IReadOnlyList<string> SendsTo { get; init; } = [];

    /// <summary>Fills every unset member from <paramref name="defaults"/>.</summary>
    public FunctionDeployment Over(FunctionDeployment defaults)
    {
        ArgumentNullException.ThrowIfNull(defaults);
        return new FunctionDeployment
        {
            MemoryMb = MemoryMb ?? defaults.MemoryMb,
            TimeoutSeconds = TimeoutSeconds ?? defaults.TimeoutSeconds,
            Architecture = Architecture ?? defaults.Architecture,
            ProvisionedConcurrency = ProvisionedConcurrency ?? defaults.ProvisionedConcurrency,
            MinInstances = MinInstances ?? defaults.MinInstances,
            MaxInstances = MaxInstances ?? defaults.MaxInstances,
            Concurrency = Concurrency ?? defaults.Concurrency,
            SendsTo = [.. defaults.SendsTo.Concat(SendsTo).Distinct(StringComparer.Ordinal)],
        };
    }
}
