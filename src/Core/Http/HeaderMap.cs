using System.Collections;
using System.Collections.Frozen;

namespace Portable.Core.Http;

/// <summary>
/// Immutable HTTP headers: names compare case-insensitively (every cloud spells them differently) and a
/// name may carry several values (<c>Set-Cookie</c>, REST v1 <c>multiValueHeaders</c>).
/// </summary>
public sealed class HeaderMap : IEnumerable<KeyValuePair<string, string>>
{
    private readonly FrozenDictionary<string, string[]> _values;

    private HeaderMap(Dictionary<string, string[]> values) =>
        _values = values.ToFrozenDictionary(StringComparer.OrdinalIgnoreCase);

    /// <summary>No headers.</summary>
    public static HeaderMap Empty { get; } = new(new Dictionary<string, string[]>(StringComparer.OrdinalIgnoreCase));

    /// <summary>Distinct header names, as first spelled.</summary>
    public IEnumerable<string> Names => _values.Keys;

    /// <summary>The values of <paramref name="name"/> joined with ", " (RFC 9110 §5.3), or <c>null</c>.</summary>
    public string? this[string name] => _values.TryGetValue(name, out var v) ? (v.Length == 1 ? v[0] : string.Join(", ", v)) : null;

    /// <summary>True when the header is present.</summary>
    public bool Contains(string name) => _values.ContainsKey(name);

    /// <summary>Every value of <paramref name="name"/>, empty when absent.</summary>
    public IReadOnlyList<string> GetValues(string name) => _values.TryGetValue(name, out var v) ? v : [];

    /// <summary>Builds a map from name/value pairs; repeated names keep every value in order.</summary>
    public static HeaderMap From(IEnumerable<KeyValuePair<string, string>> pairs)
    {
        ArgumentNullException.ThrowIfNull(pairs);
        var builder = new Builder();
        foreach (var (name, value) in pairs)
        {
            builder.Add(name, value);
        }

        return builder.Build();
    }

    /// <summary>A copy with <paramref name="name"/> set to the single <paramref name="value"/>.</summary>
    public HeaderMap With(string name, string value)
    {
        var builder = ToBuilder();
        builder.Set(name, value);
        return builder.Build();
    }

    /// <summary>A builder holding these headers.</summary>
    public Builder ToBuilder()
    {
        var builder = new Builder();
        foreach (var (name, values) in _values)
        {
            foreach (var value in values)
            {
                builder.Add(name, value);
            }
        }

        return builder;
    }

    /// <inheritdoc />
    public IEnumerator<KeyValuePair<string, string>> GetEnumerator()
    {
        foreach (var (name, values) in _values)
        {
            foreach (var value in values)
            {
                yield return new(name, value);
            }
        }
    }

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();

    /// <summary>Collects headers, then freezes them into a <see cref="HeaderMap"/>.</summary>
    public sealed class Builder
    {
        private readonly Dictionary<string, List<string>> _values = new(StringComparer.OrdinalIgnoreCase);

        /// <summary>Appends a value.</summary>
        public Builder Add(string name, string value)
        {
            ArgumentException.ThrowIfNullOrEmpty(name);
            if (!_values.TryGetValue(name, out var list))
            {
                _values[name] = list = [];
            }

            list.Add(value ?? string.Empty);
            return this;
        }

        /// <summary>Replaces every value of <paramref name="name"/>.</summary>
        public Builder Set(string name, string value)
        {
            _values.Remove(name);
            return Add(name, value);
        }

        /// <summary>Freezes the headers.</summary>
        public HeaderMap Build() =>
            _values.Count == 0
                ? Empty
                : new(_values.ToDictionary(p => p.Key, p => p.Value.ToArray(), StringComparer.OrdinalIgnoreCase));
    }
}
