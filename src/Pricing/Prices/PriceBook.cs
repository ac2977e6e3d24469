using System.Globalization;
using System.Text.Json;

namespace Portable.Pricing.Prices;

/// <summary>
/// The prices the cost model reads, by key, from the committed <c>Data/prices.json</c> (embedded in this assembly) or
/// from any text in the same shape. Parsing checks the data: unique keys, a known status, a positive unit size, an
/// ISO date and a known source for every price.
/// </summary>
public sealed class PriceBook
{
    private const string ResourceName = "Portable.Pricing.prices.json";
    private static readonly string[] Statuses = ["P", "T", "S", "U"];
    private readonly Dictionary<string, PriceEntry> byKey;

    private PriceBook(PriceData data)
    {
        Data = data;
        byKey = new Dictionary<string, PriceEntry>(StringComparer.Ordinal);
        foreach (var price in data.Prices)
        {
            if (!byKey.TryAdd(price.Key, price))
            {
                throw new FormatException($"The price data lists '{price.Key}' twice.");
            }
        }
    }

    /// <summary>The parsed file: compilation date, sources and prices.</summary>
    public PriceData Data { get; }

    /// <summary>Every price, in file order.</summary>
    public IReadOnlyList<PriceEntry> Prices => Data.Prices;

    /// <summary>The earliest and the latest as-of date of the prices in <paramref name="keys"/>.</summary>
    public (string Earliest, string Latest) AsOfRange(IEnumerable<string> keys)
    {
        var dates = keys.Select(key => Get(key).AsOf).Order(StringComparer.Ordinal).ToList();
        return dates.Count == 0 ? (Data.Compiled, Data.Compiled) : (dates[0], dates[^1]);
    }

    /// <summary>Loads the committed price data embedded in this assembly.</summary>
    public static PriceBook LoadDefault()
    {
        using var stream = typeof(PriceBook).Assembly.GetManifestResourceStream(ResourceName)
            ?? throw new InvalidOperationException($"The assembly carries no resource '{ResourceName}'.");
        using var reader = new StreamReader(stream);
        return Parse(reader.ReadToEnd());
    }

    /// <summary>Parses and checks price data in the committed file's shape.</summary>
    /// <exception cref="FormatException">The text is not JSON of that shape, or a price fails a check (the message names it).</exception>
    public static PriceBook Parse(string json)
    {
        PriceData? data;
        try
        {
            data = JsonSerializer.Deserialize(json, PricingJsonContext.Default.PriceData);
        }
        catch (JsonException e)
        {
            throw new FormatException($"The price data is not valid: {e.Message}", e);
        }

        if (data is null)
        {
            throw new FormatException("The price data is empty.");
        }

        var sources = data.Sources.Select(source => source.Id).ToHashSet(StringComparer.Ordinal);
        foreach (var price in data.Prices)
        {
            Check(price, sources);
        }

        return new PriceBook(data);
    }

    /// <summary>The price with key <paramref name="key"/>.</summary>
    /// <exception cref="KeyNotFoundException">The data has no such price.</exception>
    public PriceEntry Get(string key) =>
        byKey.TryGetValue(key, out var price) ? price : throw new KeyNotFoundException($"The price data has no price '{key}'.");

    /// <summary>Whether the data has a price with key <paramref name="key"/>.</summary>
    public bool Contains(string key) => byKey.ContainsKey(key);

    private static void Check(PriceEntry price, HashSet<string> sources)
    {
        if (!Statuses.Contains(price.Status))
        {
            throw new FormatException($"Price '{price.Key}': status '{price.Status}' is not one of P, T, S, U.");
        }

        if (price.Per <= 0)
        {
            throw new FormatException($"Price '{price.Key}': 'per' must be positive, not {price.Per.ToString(CultureInfo.InvariantCulture)}.");
        }

        if (price.Price < 0 || price.FreeQuantity < 0 || price.UpTo <= 0)
        {
            throw new FormatException($"Price '{price.Key}': price, free quantity and tier end must not be negative.");
        }

        if (!DateOnly.TryParseExact(price.AsOf, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out _))
        {
            throw new FormatException($"Price '{price.Key}': as-of '{price.AsOf}' is not a yyyy-MM-dd date.");
        }

        foreach (var id in price.Sources.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            if (!sources.Contains(id))
            {
                throw new FormatException($"Price '{price.Key}': source '{id}' is not in the sources list.");
            }
        }
    }
}
