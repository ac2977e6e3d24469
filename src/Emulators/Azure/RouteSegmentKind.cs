namespace Portable.Emulators.Azure;

/// <summary>The kind of one route segment, in the order the Functions host prefers them (lower wins).</summary>
public enum RouteSegmentKind
{
    /// <summary>A literal such as <c>items</c>, matched case-insensitively.</summary>
    Literal = 1,

    /// <summary>A required parameter, <c>{id}</c>.</summary>
    Parameter = 2,

    /// <summary>An optional parameter, <c>{id?}</c>; it may only be followed by other optional parameters.</summary>
    OptionalParameter = 3,

    /// <summary>A catch-all, <c>{*rest}</c>: zero or more remaining segments; it must come last.</summary>
    CatchAll = 4,
}
