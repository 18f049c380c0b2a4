namespace EdgeLab.Instruments.HostQuery;

/// <summary>
/// The gateway's local copy of the orders for its lab, filled from the hub's <c>…/orders</c> and read when an
/// analyzer asks (ASTM Q record, HL7 QRY^Q02 / QBP^Q11), so host queries are answered with the uplink down.
/// </summary>
public interface IOrderCache
{
    ValueTask<CachedOrder?> FindBySpecimenAsync(string specimenId, CancellationToken cancellationToken);
}

/// <summary>An order as an analyzer needs it. Test codes are already the analyzer model's own codes.</summary>
public sealed record CachedOrder
{
    public required string OrderId { get; init; }
    public required string SpecimenId { get; init; }
    public string? PatientId { get; init; }
    public string? PatientFamilyName { get; init; }
    public string? PatientGivenName { get; init; }
    public string? PatientSex { get; init; }
    public DateOnly? PatientBirthDate { get; init; }
    /// <summary>Per-test: regional catalog code and the analyzer codes by profile name.</summary>
    public required IReadOnlyList<CachedOrderTest> Tests { get; init; }
    public string Priority { get; init; } = "routine";
    public string? SpecimenType { get; init; }
    public DateTimeOffset? CollectedAt { get; init; }
}

public sealed record CachedOrderTest(string Code, IReadOnlyDictionary<string, string> InstrumentCodes);
