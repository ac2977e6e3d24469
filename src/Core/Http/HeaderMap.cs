using System.Collections;

namespace Portable.Core.Http;

/// <summary>
/// Immutable HTTP headers: names compare case-insensitively (every cloud spells them differently) and a
/// name may carry several values (<c>Set-Cookie</c>, REST v1 <c>multiValueHeaders</c>). A request's or a
/// response's headers cost one dictionary: build them with a <see cref="Builder"/>, which hands its dictionary
/// over instead of copying it; <see cref="With"/> copies once per call, so it is for one-off changes only.
/// </summary>
public sealed class HeaderMap : IEnumerable<KeyValuePair<string, string>>
{
    // Never changed once a map holds it; the value arrays are never changed either, so maps and builders share them.
    private readonly Dictionary<string, string[]> _values;

    private HeaderMap(Dictionary<string, string[]> values) => _values = values;

    /// <summary>No headers.</summary>
    public static HeaderMap Empty { get; } = new(new Dictionary<string, string[]>(0, StringComparer.OrdinalIgnoreCase));

    /// <summary>Distinct header names, as first spelled.</summary>
    public IEnumerable<string> Names => _values.Keys;

    internal bool IsEmpty => _values.Count == 0;

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

    /// <summary>
    /// A copy with <paramref name="name"/> set to the single <paramref name="value"/>. Each call copies the map, so
    /// code that sets several headers should use a <see cref="Builder"/> (or <see cref="ToBuilder"/>) instead.
    /// </summary>
    public HeaderMap With(string name, string value) => ToBuilder().Set(name, value).Build();

    /// <summary>A builder holding these headers; it copies them only when it is first changed.</summary>
    public Builder ToBuilder() => new(_values);

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

    /// <summary>
    /// Collects headers into one dictionary and hands it to the <see cref="HeaderMap"/> that <see cref="Build"/>
    /// returns. A builder may go on being changed after <see cref="Build"/>: it then works on a copy, so a map
    /// once built never changes.
    /// </summary>
    public sealed class Builder
    {
        private Dictionary<string, string[]> _values;
        private bool _shared;

        /// <summary>An empty builder.</summary>
        public Builder()
            : this(capacity: 4)
        {
        }

        /// <summary>An empty builder with room for <paramref name="capacity"/> names before it grows.</summary>
        public Builder(int capacity) =>
            _values = new Dictionary<string, string[]>(capacity, StringComparer.OrdinalIgnoreCase);

        // Starts from a map's dictionary without copying it; the first change copies.
        internal Builder(Dictionary<string, string[]> values)
        {
            _values = values;
            _shared = true;
        }

        /// <summary>Appends a value.</summary>
        public Builder Add(string name, string value)
        {
            ArgumentException.ThrowIfNullOrEmpty(name);
            var values = Writable();
            value ??= string.Empty;
            if (values.TryGetValue(name, out var existing))
            {
                values[name] = [.. existing, value]; // keeps the name as first spelled
            }
            else
            {
                values.Add(name, [value]);
            }

            return this;
        }

        /// <summary>Replaces every value of <paramref name="name"/>.</summary>
        public Builder Set(string name, string value)
        {
            ArgumentException.ThrowIfNullOrEmpty(name);
            var values = Writable();
            values.Remove(name);
            values.Add(name, [value ?? string.Empty]);
            return this;
        }

        /// <summary>The headers collected so far, as an immutable map; no copy is made.</summary>
        public HeaderMap Build()
        {
            if (_values.Count == 0)
            {
                return Empty;
            }

            _shared = true;
            return new HeaderMap(_values);
        }

        private Dictionary<string, string[]> Writable()
        {
            if (_shared)
            {
                _values = new Dictionary<string, string[]>(_values, StringComparer.OrdinalIgnoreCase);
                _shared = false;
            }

            return _values;
        }
    }
}
