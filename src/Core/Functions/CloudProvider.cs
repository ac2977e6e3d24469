namespace Portable.Core.Functions;

/// <summary>Where an invocation runs: one of the three clouds, or the embedded local host.</summary>
public enum CloudProvider
{
    /// <summary>The embedded default host (SQLite, in-process queue, scheduler).</summary>
    Local,

    /// <summary>AWS Lambda through the Runtime API (custom runtime).</summary>
    Aws,

    /// <summary>Google Cloud Run through its container contract.</summary>
    Gcp,

    /// <summary>Azure Functions, on the .NET isolated worker.</summary>
    Azure,
}
