namespace Portable.Emulators.Azure;

/// <summary><c>customHandler.description</c>: what the host starts, and where.</summary>
/// <param name="DefaultExecutablePath">The executable; relative paths resolve from the app root.</param>
/// <param name="DefaultWorkerPath">A script passed to the executable (e.g. <c>server.js</c> for <c>node</c>).</param>
/// <param name="Arguments">Arguments before the worker path.</param>
/// <param name="WorkerArguments">Arguments after the worker path.</param>
/// <param name="WorkingDirectory">The working directory, relative to the app root; the app root when empty.</param>
public sealed record CustomHandlerDescription(
    string DefaultExecutablePath,
    string? DefaultWorkerPath,
    IReadOnlyList<string> Arguments,
    IReadOnlyList<string> WorkerArguments,
    string? WorkingDirectory);
