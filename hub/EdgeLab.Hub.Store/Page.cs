namespace EdgeLab.Hub.Store;

/// <summary>
/// One page of a search. <see cref="NextCursor"/> is opaque (pass it back to get the next page) and null on the last
/// page. Pages are keyset-paged, so they stay stable while new rows arrive.
/// </summary>
public sealed record Page<T>(IReadOnlyList<T> Items, string? NextCursor);
