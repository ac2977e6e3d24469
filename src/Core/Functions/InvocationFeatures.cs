namespace Portable.Core.Functions;

/// <summary>
/// The typed features of one invocation (the matched route, and what later triggers add), looked up by type as the
/// Azure worker's <c>IInvocationFeatures</c> are. A handful per invocation, so a short list beats a dictionary; the
/// first (an HTTP invocation's route, usually the only one) is held in a field, so that it costs no array.
/// </summary>
public sealed class InvocationFeatures
{
    private Type? _firstType;
    private object? _first;
    private KeyValuePair<Type, object>[] _items = [];

    /// <summary>The feature of type <typeparamref name="T"/>, or null.</summary>
    public T? Get<T>()
        where T : class
    {
        if (_firstType == typeof(T))
        {
            return (T)_first!;
        }

        foreach (var (type, value) in _items)
        {
            if (type == typeof(T))
            {
                return (T)value;
            }
        }

        return null;
    }

    /// <summary>Sets (or replaces) the feature of type <typeparamref name="T"/>.</summary>
    public void Set<T>(T feature)
        where T : class
    {
        ArgumentNullException.ThrowIfNull(feature);
        Set(typeof(T), feature);
    }

    internal void Set(Type type, object feature)
    {
        if (_firstType is null || _firstType == type)
        {
            _firstType = type;
            _first = feature;
            return;
        }

        for (var i = 0; i < _items.Length; i++)
        {
            if (_items[i].Key == type)
            {
                _items[i] = new(type, feature);
                return;
            }
        }

        _items = [.. _items, new(type, feature)];
    }
}
