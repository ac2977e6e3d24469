using System.Text.Json.Serialization;
using Portable.Pricing.Model;

namespace Portable.Pricing.Prices;

/// <summary>Source-generated JSON for the committed data files: no reflection, trimming- and AOT-safe.</summary>
[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase)]
[JsonSerializable(typeof(PriceData))]
[JsonSerializable(typeof(PatternCatalogData))]
internal sealed partial class PricingJsonContext : JsonSerializerContext;
