using System.Text.Json;
using Portable.Core.Events.Routing;

namespace Portable.Core.Tests.Events.Routing;

/// <summary>Runs a pattern against an event given as JSON text, both through the element and the UTF-8 overload, and checks they agree.</summary>
internal static class PatternAssert
{
    public static bool Matches(string pattern, string @event)
    {
        var compiled = EventPattern.Parse(pattern);
        using var document = JsonDocument.Parse(@event);
        var byElement = compiled.Matches(document.RootElement);
        var byBytes = compiled.Matches(System.Text.Encoding.UTF8.GetBytes(@event));
        Assert.Equal(byElement, byBytes);
        return byElement;
    }

    public static void Match(string pattern, string @event) =>
        Assert.True(Matches(pattern, @event), $"Expected a match.\nPattern: {pattern}\nEvent: {@event}");

    public static void NoMatch(string pattern, string @event) =>
        Assert.False(Matches(pattern, @event), $"Expected no match.\nPattern: {pattern}\nEvent: {@event}");
}
