namespace Portable.Compare.Model;

/// <summary>One scenario's table: the same steps run on every host, one <see cref="HostResult"/> per host.</summary>
public sealed record ScenarioReport
{
    /// <summary>A stable id for the scenario, used in anchors and <c>--scenario</c> (<c>crud</c>, <c>poison-message</c>).</summary>
    public required string Id { get; init; }

    /// <summary>The pattern it exercises (<c>REST API</c>, <c>Queue processor</c>, <c>Saga</c>).</summary>
    public required string Pattern { get; init; }

    /// <summary>The scenario's title as a heading.</summary>
    public required string Title { get; init; }

    /// <summary>What the scenario does, in a sentence or two.</summary>
    public required string Description { get; init; }

    /// <summary>One row per host, in the order they ran.</summary>
    public required IReadOnlyList<HostResult> Rows { get; init; }
}
