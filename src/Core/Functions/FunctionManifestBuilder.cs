using Portable.Core.Http;

namespace Portable.Core.Functions;

/// <summary>Builds a <see cref="FunctionManifest"/>.</summary>
public sealed class FunctionManifestBuilder
{
    private readonly List<FunctionDefinition> _functions = [];

    /// <summary>Declares an HTTP function whose routes <paramref name="routes"/> adds.</summary>
    public FunctionManifestBuilder AddHttp(string name, Action<HttpRoutesBuilder> routes)
    {
        ArgumentNullException.ThrowIfNull(routes);
        var builder = new HttpRoutesBuilder();
        routes(builder);
        if (builder.Routes.Count == 0)
        {
            throw new ArgumentException($"HTTP function '{name}' declares no route.", nameof(routes));
        }

        _functions.Add(new FunctionDefinition(name, new HttpTrigger(builder.Routes)));
        return this;
    }

    /// <summary>Declares a function with any trigger.</summary>
    public FunctionManifestBuilder Add(FunctionDefinition function)
    {
        ArgumentNullException.ThrowIfNull(function);
        _functions.Add(function);
        return this;
    }

    /// <summary>The manifest.</summary>
    public FunctionManifest Build() => new(_functions);
}
