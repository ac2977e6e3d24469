namespace Portable.Core.State;

/// <summary>A page of entries; <see cref="HasMore"/> says whether another page follows the last key.</summary>
public sealed record StatePage(IReadOnlyList<StateEntry> Entries, bool HasMore);
