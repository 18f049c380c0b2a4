namespace EdgeLab.Contract;

/// <summary>
/// <c>…/orders</c> (hub → gw, QoS 1): order upserts and cancels for the performing lab, kept in the gateway's
/// order cache so analyzer host queries are answered locally even while the uplink is down.
/// </summary>
public sealed record OrderMessage
{
    public string Schema { get; init; } = Schemas.Order;
    /// <summary><c>upsert</c> or <c>cancel</c>.</summary>
    public required string Action { get; init; }
    /// <summary>The referral (order) id at the hub.</summary>
    public required string OrderId { get; init; }
    /// <summary>The specimen barcode the hub issued; host queries look orders up by it.</summary>
    public required string SpecimenId { get; init; }
    public OrderPatient? Patient { get; init; }
    public IReadOnlyList<OrderTest> Tests { get; init; } = [];
    /// <summary><c>routine</c> or <c>stat</c>.</summary>
    public string Priority { get; init; } = "routine";
    public string? SpecimenType { get; init; }
    public DateTimeOffset? CollectedAt { get; init; }
    public required DateTimeOffset At { get; init; }
}

public sealed record OrderPatient
{
    public required string Id { get; init; }
    public string? FamilyName { get; init; }
    public string? GivenName { get; init; }
    /// <summary><c>M</c>, <c>F</c> or <c>U</c>.</summary>
    public string? Sex { get; init; }
    public DateOnly? BirthDate { get; init; }
}

public sealed record OrderTest
{
    /// <summary>Regional catalog code.</summary>
    public required string Code { get; init; }
    public string? Name { get; init; }
    /// <summary>The analyzer's own code per dialect profile (model), e.g. <c>{"sysmex-xn": "WBC"}</c>.</summary>
    public IReadOnlyDictionary<string, string> InstrumentCodes { get; init; } = new Dictionary<string, string>();
}
