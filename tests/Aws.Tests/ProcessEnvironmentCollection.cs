namespace Portable.Aws.Tests;

/// <summary>
/// Tests that set or read <c>_X_AMZN_TRACE_ID</c> in this process's environment: one variable for the whole process,
/// so they run one at a time.
/// </summary>
[CollectionDefinition(Name)]
public sealed class ProcessEnvironmentCollection
{
    public const string Name = "Process environment";
}
