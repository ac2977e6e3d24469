using System.Text.Json;
using Portable.Core.Events;

namespace Portable.Core.Tests.Events;

/// <summary>Terse events for the routing tests.</summary>
internal static class EventTestKit
{
    public static PortableEvent Event(string source, string detailType, string detail = "{}", string id = "evt-1", IReadOnlyDictionary<string, string>? attributes = null) => new()
    {
        Id = id,
        Source = source,
        DetailType = detailType,
        Time = new DateTimeOffset(2026, 1, 2, 3, 4, 5, TimeSpan.Zero),
        Detail = JsonDocument.Parse(detail).RootElement.Clone(),
        Attributes = attributes ?? new Dictionary<string, string>(),
    };
}
