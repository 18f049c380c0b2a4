namespace EdgeLab.Hub.Domain;

/// <summary>
/// FHIR R4 Task.status (required binding, http://hl7.org/fhir/task-status) as a send-out uses it (HL7 Clinical Order
/// Workflows IG, "Lab Order Flow with Reference Lab"): requested when the sending lab sends the tests out, accepted when
/// the receiving lab has the tube, in-progress with its first result, completed when every test has one; rejected
/// when the receiving lab refuses the tube at receipt, failed when it cannot finish after accepting.
/// </summary>
public enum TransferStatus
{
    Requested,
    Accepted,
    InProgress,
    Completed,
    Rejected,
    Failed,
    Cancelled,
}

/// <summary>
/// One test of a referral sent out to another lab, carried by one tube (a FHIR Task whose focus is the test's
/// ServiceRequest, one Task per ServiceRequest as in the IG; the row <c>transfer_task</c>).
/// </summary>
public sealed record TransferTask
{
    public required string Id { get; init; }
    public required string ReferralId { get; init; }
    public required string PatientId { get; init; }
    /// <summary>The tube that travels: the original or an aliquot of it (<see cref="Specimen.ParentId"/>).</summary>
    public required string SpecimenId { get; init; }
    public required string SourceSpecimenId { get; init; }
    /// <summary>The catalog code of the test sent out.</summary>
    public required string TestCode { get; init; }
    /// <summary>The sending lab (Task.requester).</summary>
    public required string RequesterLabId { get; init; }
    /// <summary>The receiving lab (Task.owner): once it has received the tube, its gateways may write these results.</summary>
    public required string OwnerLabId { get; init; }
    public required TransferStatus Status { get; init; }
    /// <summary>Why it was rejected or failed (Task.statusReason), as the receiving lab wrote it.</summary>
    public string? StatusReason { get; init; }
    public string? BoxId { get; init; }
    /// <summary>Where the box carrying it is (null = not boxed yet): the Task's businessStatus follows it.</summary>
    public BoxStatus? BoxStatus { get; init; }
    /// <summary>The HL7 v2 table 0544 condition the receiving lab noted on the box (null = intact or not received).</summary>
    public string? BoxCondition { get; init; }
    public DateTimeOffset Created { get; init; }
    public DateTimeOffset? ReceivedAt { get; init; }
    public DateTimeOffset? ResultsDueAt { get; init; }
    public DateTimeOffset? CompletedAt { get; init; }
    public DateTimeOffset LastUpdated { get; init; }
}

/// <summary>A shipment box's place in its journey (FHIR SupplyDelivery.status: in-progress while open or travelling, completed when received).</summary>
public enum BoxStatus
{
    Open,
    InTransit,
    Received,
}

/// <summary>Temperature class a box travels in (the manifest prints it; the receiving lab checks it).</summary>
public enum TemperatureClass
{
    Ambient,
    Refrigerated,
    Frozen,
}

/// <summary>A shipment box (OpenELIS: shipping box; FHIR SupplyDelivery): barcode, capacity, temperature, its tubes.</summary>
public sealed record ShipmentBox
{
    public required string Id { get; init; }
    public required string Barcode { get; init; }
    public required string FromLabId { get; init; }
    public required string ToLabId { get; init; }
    public required int Capacity { get; init; }
    public required TemperatureClass Temperature { get; init; }
    public required BoxStatus Status { get; init; }
    /// <summary>HL7 v2 table 0544 code noted at receipt (null = arrived intact).</summary>
    public string? Condition { get; init; }
    public DateTimeOffset Created { get; init; }
    public DateTimeOffset? DispatchedAt { get; init; }
    public DateTimeOffset? ReceiveDueAt { get; init; }
    public DateTimeOffset? ReceivedAt { get; init; }
    /// <summary>Who received it: a gateway id (scan) or an API caller.</summary>
    public string? ReceivedBy { get; init; }
    public DateTimeOffset LastUpdated { get; init; }
}

/// <summary>What an overdue alert is about.</summary>
public enum TransferAlertKind
{
    /// <summary>A dispatched box was not received in time.</summary>
    ShipmentOverdue,
    /// <summary>A received tube's results did not come back in time.</summary>
    ResultsOverdue,
}

/// <summary>An overdue shipment or result, raised once, for the sending lab.</summary>
public sealed record TransferAlert(string Id, TransferAlertKind Kind, string SubjectId, string LabId, string Detail, DateTimeOffset RaisedAt);
