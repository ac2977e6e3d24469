using Portable.Compare.Model;

namespace Portable.Compare.Scenarios;

/// <summary>
/// One scenario of <c>portable compare</c>: the same steps on every host, each run measured into a
/// <see cref="HostResult"/>. A scenario starts what it needs on the host it is given (the host behind its emulator,
/// with that platform's delivery profile) and stops it before returning; a run of one host never sees another's state.
/// </summary>
public interface ICompareScenario
{
    /// <summary>A stable id: the report's anchor and <c>--scenario</c>'s value (<c>crud</c>, <c>poison-message</c>).</summary>
    string Id { get; }

    /// <summary>The pattern it exercises (<c>REST API</c>, <c>Queue processor</c>, <c>Saga</c>).</summary>
    string Pattern { get; }

    /// <summary>The table's heading.</summary>
    string Title { get; }

    /// <summary>What the steps are, in a sentence or two.</summary>
    string Description { get; }

    /// <summary>Whether the scenario is driven over HTTP alone, so it can run against deployed URLs (<c>--live</c>).</summary>
    bool RunsLive { get; }

    /// <summary>Runs the scenario on <paramref name="host"/> (one of <see cref="CompareHosts.All"/>) and measures it.</summary>
    /// <param name="host">The host's name.</param>
    /// <param name="context">The run's settings: live targets, time scale, progress.</param>
    /// <param name="cancellationToken">Stops the scenario (Ctrl+C); what was started is stopped before the exception leaves.</param>
    Task<HostResult> RunAsync(string host, ScenarioContext context, CancellationToken cancellationToken);
}
