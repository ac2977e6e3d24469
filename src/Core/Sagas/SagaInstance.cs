namespace Portable.Core.Sagas;

/// <summary>One stored saga as <see cref="ISagaRepository"/> loads it: its state, the input every handler gets, and the version to write over.</summary>
/// <param name="State">The saga's state.</param>
/// <param name="Input">The input document handed to each handler.</param>
/// <param name="ETag">The stored version, for a conditional write.</param>
public sealed record SagaInstance(SagaState State, ReadOnlyMemory<byte> Input, string ETag)
{
    /// <summary>
    /// The stored document at <see cref="ETag"/>, for a repository that keeps the saga inside a larger document (the
    /// order around the order saga): its save writes the new state into this copy instead of reading the document
    /// again. Empty when the repository keeps nothing but the saga.
    /// </summary>
    public ReadOnlyMemory<byte> Document { get; init; }
}
