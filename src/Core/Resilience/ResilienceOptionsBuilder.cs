namespace Portable.Core.Resilience;

/// <summary>
/// Collects the named pipelines (for example <c>"state"</c> and <c>"publish"</c>) and the hooks they share, for
/// <see cref="PortableResilience"/> to build once (each on its first use). Configuring a name twice adjusts the same options.
/// </summary>
public sealed class ResilienceOptionsBuilder
{
    private readonly Dictionary<string, ResilienceOptions> _pipelines = new(StringComparer.Ordinal);
    private readonly List<Func<Exception, bool>> _transientFaults = [];
    private readonly List<Action<ResilienceRetry>> _retryObservers = [];

    /// <summary>The pipelines configured so far, by name.</summary>
    public IReadOnlyDictionary<string, ResilienceOptions> Pipelines => _pipelines;

    /// <summary>Extra tests that mark more exceptions transient (a cloud SDK's throttling error, say).</summary>
    public IReadOnlyList<Func<Exception, bool>> TransientFaultTests => _transientFaults;

    /// <summary>Observers told of every retry of every pipeline, after it is logged.</summary>
    public IReadOnlyList<Action<ResilienceRetry>> RetryObservers => _retryObservers;

    /// <summary>The source of jitter, returning values in [0, 1); null for <see cref="Random.Shared"/>.</summary>
    public Func<double>? Randomizer { get; private set; }

    /// <summary>Adds the pipeline <paramref name="name"/> with the defaults, adjusted by <paramref name="configure"/>.</summary>
    public ResilienceOptionsBuilder AddPipeline(string name, Action<ResilienceOptions>? configure = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        if (!_pipelines.TryGetValue(name, out var options))
        {
            options = new ResilienceOptions();
            _pipelines.Add(name, options);
        }

        configure?.Invoke(options);
        return this;
    }

    /// <summary>
    /// Also treats exceptions matching <paramref name="isTransient"/> as transient. Permanent faults (see
    /// <see cref="TransientFaults.IsPermanent"/>) and the caller's own cancellation stay permanent whatever it says.
    /// </summary>
    public ResilienceOptionsBuilder AddTransientFault(Func<Exception, bool> isTransient)
    {
        ArgumentNullException.ThrowIfNull(isTransient);
        _transientFaults.Add(isTransient);
        return this;
    }

    /// <summary>Calls <paramref name="observer"/> on every retry (for metrics, or to watch delays in a test).</summary>
    public ResilienceOptionsBuilder OnRetry(Action<ResilienceRetry> observer)
    {
        ArgumentNullException.ThrowIfNull(observer);
        _retryObservers.Add(observer);
        return this;
    }

    /// <summary>Draws jitter from <paramref name="randomizer"/> (values in [0, 1)), for a reproducible schedule.</summary>
    public ResilienceOptionsBuilder UseRandomizer(Func<double> randomizer)
    {
        ArgumentNullException.ThrowIfNull(randomizer);
        Randomizer = randomizer;
        return this;
    }

    /// <summary>Throws <see cref="ResilienceOptionsException"/> for the first pipeline (by name) with bad settings.</summary>
    public void Validate()
    {
        var names = new string[_pipelines.Count];
        _pipelines.Keys.CopyTo(names, 0);
        Array.Sort(names, StringComparer.Ordinal); // the first invalid pipeline by name; no LINQ on the cold-start path
        foreach (var name in names)
        {
            _pipelines[name].ThrowIfInvalid(name);
        }
    }
}
