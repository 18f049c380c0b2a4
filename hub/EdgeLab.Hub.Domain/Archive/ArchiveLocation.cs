namespace EdgeLab.Hub.Domain;

/// <summary>The levels of the paper card archive (issue 15 §2): a card lies at a position of a box in a zone of an archive.</summary>
public enum ArchiveLocationKind
{
    Archive,
    Zone,
    Box,
}

/// <summary>
/// A place of the paper card archive. <see cref="Path"/> names it from the archive down, levels separated by '/'
/// ("MSK-ARCH-1/Z03/B00042"); <see cref="ParentId"/> is the level above (FHIR Location.partOf). Positions inside a box
/// are numbers 1…<see cref="Positions"/>, not rows.
/// </summary>
public sealed record ArchiveLocation
{
    public required string Id { get; init; }
    public required string Path { get; init; }
    public required ArchiveLocationKind Kind { get; init; }
    /// <summary>The last segment of the path.</summary>
    public required string Name { get; init; }
    public string? ParentId { get; init; }
    /// <summary>Boxes: how many cards fit (positions 1…N); null for archives and zones.</summary>
    public int? Positions { get; init; }

    public const char Separator = '/';
}
