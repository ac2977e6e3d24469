using Portable.Core.Functions;
using Portable.Core.Settings;

namespace Portable.Gcp.Triggers;

/// <summary>
/// Which endpoint answers a path, decided once at start-up from the served functions' mappers (routing is documented
/// in <c>src/Gcp/Events/README.md</c>): a function addressed by path answers <c>/{name}</c> (with or without a trailing
/// slash), ahead of any HTTP route; when <c>FUNCTION_TARGET</c> names such a function it answers every path; anything
/// else goes to the HTTP functions' routes. A lookup allocates nothing.
/// </summary>
internal sealed class CloudRunEndpoints
{
    private readonly Dictionary<string, CloudRunEndpoint>.AlternateLookup<ReadOnlySpan<char>> _byFunctionPath;
    private readonly CloudRunEndpoint? _everyPath;
    private readonly CloudRunEndpoint? _httpRoutes;

    private CloudRunEndpoints(Dictionary<string, CloudRunEndpoint> byFunctionPath, CloudRunEndpoint? everyPath, CloudRunEndpoint? httpRoutes)
    {
        _byFunctionPath = byFunctionPath.GetAlternateLookup<ReadOnlySpan<char>>();
        _everyPath = everyPath;
        _httpRoutes = httpRoutes;
    }

    /// <summary>
    /// Chooses the mapper of each function of <paramref name="served"/>, before anything is built, so a function no
    /// mapper serves stops the start-up with its name rather than 404 at run time.
    /// </summary>
    /// <param name="served">The functions this host serves (the manifest, or the one <c>FUNCTION_TARGET</c> names).</param>
    /// <param name="functionTarget">Whether <c>FUNCTION_TARGET</c> chose that one function.</param>
    /// <param name="mappers">The mappers to choose from, first match wins (<see cref="CloudRunTriggerMapper.Default"/>).</param>
    /// <exception cref="SettingsException">A function's trigger kind has no mapper.</exception>
    public static Plan Choose(FunctionManifest served, bool functionTarget, IReadOnlyList<CloudRunTriggerMapper> mappers)
    {
        ArgumentNullException.ThrowIfNull(served);
        ArgumentNullException.ThrowIfNull(mappers);
        var groups = new List<(CloudRunTriggerMapper Mapper, List<FunctionDefinition> Functions)>();
        foreach (var function in served.Functions)
        {
            var mapper = mappers.FirstOrDefault(m => m.CanServe(function.Trigger))
                ?? throw new SettingsException(
                    $"Function '{function.Name}' has a {function.Trigger.GetType().Name} ('{function.Trigger.Kind}'), which the Cloud Run host does not serve; it serves " +
                    $"{string.Join("; ", mappers.Select(m => m.Description))}. Set {CloudRunSettings.FunctionTargetVariable} to a function of one of those kinds, or deploy this one elsewhere.");
            var group = groups.FindIndex(g => ReferenceEquals(g.Mapper, mapper));
            if (group < 0)
            {
                groups.Add((mapper, [function]));
            }
            else
            {
                groups[group].Functions.Add(function);
            }
        }

        return new Plan(groups, functionTarget);
    }

    /// <summary>The endpoint for <paramref name="path"/>, or null when no function serves it.</summary>
    public CloudRunEndpoint? Find(PathString path)
    {
        if (_everyPath is not null)
        {
            return _everyPath;
        }

        if (_byFunctionPath.Dictionary.Count > 0 && path.Value is { Length: > 1 } value)
        {
            var name = value.AsSpan(1);
            if (name.EndsWith('/'))
            {
                name = name[..^1];
            }

            if (_byFunctionPath.TryGetValue(name, out var endpoint))
            {
                return endpoint;
            }
        }

        return _httpRoutes;
    }

    /// <summary>The mappers chosen for the served functions, waiting for the container to bind them.</summary>
    internal sealed class Plan(IReadOnlyList<(CloudRunTriggerMapper Mapper, List<FunctionDefinition> Functions)> groups, bool functionTarget)
    {
        /// <summary>Binds every function through its mapper and builds the table.</summary>
        public CloudRunEndpoints Bind(IServiceProvider services, ILogger log)
        {
            ArgumentNullException.ThrowIfNull(services);
            ArgumentNullException.ThrowIfNull(log);
            var byFunctionPath = new Dictionary<string, CloudRunEndpoint>(StringComparer.Ordinal);
            CloudRunEndpoint? httpRoutes = null;
            foreach (var (mapper, functions) in groups)
            {
                foreach (var route in mapper.Bind(functions, services, log))
                {
                    if (route.FunctionName is { } name)
                    {
                        byFunctionPath.Add(name, route.Endpoint);
                    }
                    else
                    {
                        httpRoutes ??= route.Endpoint;
                    }
                }
            }

            var everyPath = functionTarget && byFunctionPath.Count == 1 ? byFunctionPath.Values.Single() : null;
            return new CloudRunEndpoints(byFunctionPath, everyPath, httpRoutes);
        }
    }
}
