namespace Portable.Core.Functions;

/// <summary>Builds the middleware pipeline. Its one method is <see cref="Use"/>; the rest are extensions.</summary>
public sealed class FunctionPipelineBuilder
{
    private readonly List<Func<FunctionExecutionDelegate, FunctionExecutionDelegate>> _components = [];

    /// <summary>Adds a step; steps run in the order they were added.</summary>
    public FunctionPipelineBuilder Use(Func<FunctionExecutionDelegate, FunctionExecutionDelegate> middleware)
    {
        ArgumentNullException.ThrowIfNull(middleware);
        _components.Add(middleware);
        return this;
    }

    /// <summary>Composes the steps around <paramref name="terminal"/>.</summary>
    public FunctionExecutionDelegate Build(FunctionExecutionDelegate terminal)
    {
        var next = terminal;
        for (var i = _components.Count - 1; i >= 0; i--)
        {
            next = _components[i](next);
        }

        return next;
    }
}
