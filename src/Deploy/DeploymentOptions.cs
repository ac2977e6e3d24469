using Portable.Core.Events;
using Portable.Core.Functions;

namespace Portable.Deploy;

/// <summary>
/// The deployment choices for a manifest's functions: defaults for all and overrides per function name. Generators
/// read <see cref="For"/>, which always answers with every member set.
/// </summary>
public sealed record DeploymentOptions
{
    /// <summary>
    /// What a function gets unless told otherwise: 256 MB, 30 s (API Gateway's HTTP API stops waiting for an integration
    /// after 30 s anyway), x86_64, no provisioned concurrency, Cloud Run scaling from 0 to 10 instances with 80 requests
    /// each (Cloud Run's default concurrency).
    /// </summary>
    public static FunctionDeployment StandardDefaults { get; } = new()
    {
        MemoryMb = 256,
        TimeoutSeconds = 30,
        Architecture = LambdaArchitecture.X64,
        ProvisionedConcurrency = 0,
        MinInstances = 0,
        MaxInstances = 10,
        Concurrency = 80,
    };

    /// <summary>The defaults; members left unset fall back to <see cref="StandardDefaults"/>.</summary>
    public FunctionDeployment Defaults { get; init; } = StandardDefaults;

    /// <summary>Per function name, what differs from <see cref="Defaults"/>.</summary>
    public IReadOnlyDictionary<string, FunctionDeployment> Functions { get; init; } = new Dictionary<string, FunctionDeployment>(StringComparer.Ordinal);

    /// <summary>
    /// The deployment of <paramref name="function"/>, every member set. An event function whose trigger states how long
    /// one delivery may take (<see cref="EventTriggerOptions.Timeout"/>: a choreographed saga step retries within one
    /// delivery) gets that timeout, rounded up to whole seconds, unless its own options set one.
    /// </summary>
    public FunctionDeployment For(FunctionDefinition function)
    {
        ArgumentNullException.ThrowIfNull(function);
        var defaults = Defaults.Over(StandardDefaults);
        Functions.TryGetValue(function.Name, out var own);
        if (own?.TimeoutSeconds is null && function.Trigger is EventTrigger { Options.Timeout: { } delivery })
        {
            own = (own ?? new FunctionDeployment()) with { TimeoutSeconds = (int)Math.Ceiling(delivery.TotalSeconds) };
        }

        var resolved = own is not null ? own.Over(defaults) : defaults;
        Validate(function.Name, resolved);
        return resolved;
    }

    /// <summary>Refuses options naming a function <paramref name="manifest"/> does not declare (a typo would silently deploy the defaults).</summary>
    public void ValidateAgainst(FunctionManifest manifest)
    {
        ArgumentNullException.ThrowIfNull(manifest);
        foreach (var name in Functions.Keys)
        {
            if (manifest.Find(name) is null)
            {
                throw new ArgumentException($"Deployment options name function '{name}', which the manifest does not declare.", nameof(manifest));
            }
        }
    }

    private static void Validate(string name, FunctionDeployment d)
    {
        // Lambda: MemorySize 128-10240 MB, Timeout 1-900 s (AWS::Lambda::Function); Cloud Run: concurrency 1-1000, timeout up to 3600 s.
        Check(d.MemoryMb is >= 128 and <= 10240, name, $"memory {d.MemoryMb} MB is outside Lambda's 128-10240 MB");
        Check(d.TimeoutSeconds is >= 1 and <= 900, name, $"timeout {d.TimeoutSeconds} s is outside Lambda's 1-900 s");
        Check(d.ProvisionedConcurrency is >= 0, name, "provisioned concurrency is negative");
        Check(d.MinInstances is >= 0 && d.MaxInstances >= 1 && d.MinInstances <= d.MaxInstances, name, $"instances {d.MinInstances}-{d.MaxInstances} are not a range from 0 up");
        Check(d.Concurrency is >= 1 and <= 1000, name, $"concurrency {d.Concurrency} is outside Cloud Run's 1-1000");
    }

    private static void Check(bool ok, string name, string problem)
    {
        if (!ok)
        {
            throw new ArgumentException($"Function '{name}': {problem}.");
        }
    }
}
