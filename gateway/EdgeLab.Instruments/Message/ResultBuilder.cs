namespace EdgeLab.Instruments.Message;

/// <summary>
/// A result being assembled by a decoder: comments (ASTM C records, HL7 NTE segments) arrive after the result they
/// belong to, so the result stays open until the next one starts.
/// </summary>
internal sealed class ResultBuilder
{
    public required string Code { get; init; }
    public string? Name { get; init; }
    public required string Value { get; init; }
    public decimal? Numeric { get; init; }
    public string? Comparator { get; init; }
    public string? Units { get; init; }
    public required List<string> Flags { get; init; }
    public string? ReferenceRange { get; init; }
    public string? Status { get; init; }
    public DateTimeOffset? CompletedAt { get; init; }
    public List<string> Comments { get; } = [];

    public DecodedResult Build() => new()
    {
        Code = Code,
        Name = Name,
        Value = Value,
        Numeric = Numeric,
        Comparator = Comparator,
        Units = Units,
        Flags = Flags,
        ReferenceRange = ReferenceRange,
        Status = Status,
        CompletedAt = CompletedAt,
        Comments = Comments,
    };
}
