using System.Collections;

namespace Portable.Deploy.Workflows;

/// <summary>
/// A YAML mapping whose keys keep the order they were added in, so a generated file reads top to bottom the way it
/// runs and is byte-for-byte the same on every run. Values are strings, integers, doubles, booleans, null, nested
/// <see cref="YamlMap"/>s or lists of those.
/// </summary>
internal sealed class YamlMap : IEnumerable<KeyValuePair<string, object?>>
{
    private readonly List<KeyValuePair<string, object?>> _entries = [];

    public int Count => _entries.Count;

    /// <summary>Adds <paramref name="key"/> (which must not be there yet) and returns the map, for chaining.</summary>
    public YamlMap Add(string key, object? value)
    {
        if (_entries.Exists(e => e.Key == key))
        {
            throw new InvalidOperationException($"The YAML key '{key}' is added twice.");
        }

        _entries.Add(new(key, value));
        return this;
    }

    /// <summary>A map holding one entry: the shape of a workflow step (<c>- name: {…}</c>) and of an assignment.</summary>
    public static YamlMap Of(string key, object? value) => new YamlMap().Add(key, value);

    public IEnumerator<KeyValuePair<string, object?>> GetEnumerator() => _entries.GetEnumerator();

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();
}
