namespace Portable.Compare.Targets;

/// <summary>How to start a host's HTTP front door for a scenario.</summary>
public sealed record HttpTargetOptions
{
    /// <summary>The handler's function (one per Lambda and Cloud Run service; the Functions app serves all).</summary>
    public string Function { get; init; } = "items-api";

    /// <summary>Variables for the host's process on top of the defaults (a fault drill's, for one).</summary>
    public IReadOnlyDictionary<string, string?> Environment { get; init; } = new Dictionary<string, string?>();

    /// <summary>
    /// The front door's timeout, already scaled: API Gateway's integration timeout, Cloud Run's request timeout, the
    /// Functions host's HTTP response timeout. Null keeps each platform's default.
    /// </summary>
    public TimeSpan? FrontDoorTimeout { get; init; }

    /// <summary>On AWS, put a REST API (v1, stage <c>prod</c>) in front instead of an HTTP API (v2).</summary>
    public bool RestApi { get; init; }
}
