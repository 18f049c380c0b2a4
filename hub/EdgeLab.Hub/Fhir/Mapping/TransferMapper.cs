using EdgeLab.Hub.Domain;
using EdgeLab.Hub.Fhir.Resources;

namespace EdgeLab.Hub.Fhir.Mapping;

/// <summary>
/// A send-out onto FHIR R4 as the Clinical Order Workflows IG's "Lab Order Flow with Reference Lab" shapes it: a Task per
/// test (basedOn and focus = the test's ServiceRequest, for = the patient, requester = the sending lab, owner = the
/// performing lab, status + businessStatus, statusReason on rejection, the tube as input, the report as output) and
/// the shipment box as a SupplyDelivery.
/// </summary>
internal static class TransferMapper
{
    public static FhirTask ToFhir(TransferTask task)
    {
        var serviceRequest = ResourceIds.ServiceRequest(task.ReferralId, task.TestCode) is { } sr ? Reference.To("ServiceRequest", sr) : null;
        var input = new List<TaskParameter> { Parameter("specimen", "Specimen", Reference.To("Specimen", task.SpecimenId)) };
        if (task.BoxId is { } box) input.Add(Parameter("shipment", "Shipment box", Reference.To("SupplyDelivery", box)));
        var output = new List<TaskParameter>();
        if (task.BoxCondition is { } condition)
        {
            output.Add(new TaskParameter
            {
                Type = Type("container-condition", "Container condition at receipt"),
                ValueCodeableConcept = CodeableConcept.Of(FhirSystems.ContainerCondition, condition, ContainerCondition.Display(condition)),
            });
        }
        // The filler's DiagnosticReport (one per referral per performing lab, id {referralId}-{labId}) exists from the first result.
        if (task.Status is TransferStatus.InProgress or TransferStatus.Completed)
            output.Add(Parameter("diagnostic-report", "Results", Reference.To("DiagnosticReport", $"{task.ReferralId}-{task.OwnerLabId}")));
        return new FhirTask
        {
            Id = task.Id,
            Meta = new Meta { LastUpdated = FhirDates.Instant(task.LastUpdated) },
            Identifier = [new Identifier { System = FhirSystems.TransferTaskId, Value = task.Id }],
            BasedOn = serviceRequest is null ? null : [serviceRequest],
            GroupIdentifier = new Identifier { System = FhirSystems.ReferralId, Value = task.ReferralId },
            Status = StatusCode(task.Status),
            StatusReason = task.StatusReason is { } reason ? new CodeableConcept { Text = reason } : null,
            BusinessStatus = BusinessStatus(task),
            Intent = "order",
            Code = CodeableConcept.Of(FhirSystems.TaskCode, "fulfill", "Fulfill the focal request"),
            Focus = serviceRequest,
            For = PatientMapper.Reference(task.PatientId),
            ExecutionPeriod = task.ReceivedAt is { } received
                ? new Period { Start = FhirDates.Instant(received), End = task.CompletedAt is { } done ? FhirDates.Instant(done) : null }
                : null,
            AuthoredOn = FhirDates.Instant(task.Created),
            // inv-1: lastModified ≥ authoredOn (a row is never updated before it is created, but the clock may step back).
            LastModified = FhirDates.Instant(task.LastUpdated < task.Created ? task.Created : task.LastUpdated),
            Requester = CodeMapper.Organization(task.RequesterLabId),
            Owner = CodeMapper.Organization(task.OwnerLabId),
            Input = input,
            Output = output.NullIfEmpty(),
        };
    }

    public static SupplyDelivery ToFhir(ShipmentBox box, int tubes) => new()
    {
        Id = box.Id,
        Meta = new Meta { LastUpdated = FhirDates.Instant(box.LastUpdated) },
        Identifier = [new Identifier { System = FhirSystems.ShipmentBoxBarcode, Value = box.Barcode }],
        Status = BoxStatusCode(box.Status),
        Type = CodeableConcept.Of(FhirSystems.SupplyItemType, "device", "Device"),
        SuppliedItem = new SupplyDeliveryItem
        {
            Quantity = new Quantity { Value = tubes, Unit = "tube" },
            ItemCodeableConcept = new CodeableConcept
            {
                Coding = [new Coding { System = FhirSystems.ShipmentTemperature, Code = Temperature(box.Temperature) }],
                Text = $"Specimen transport box, {Temperature(box.Temperature)}, capacity {box.Capacity}",
            },
        },
        OccurrencePeriod = box.DispatchedAt is { } sent
            ? new Period { Start = FhirDates.Instant(sent), End = box.ReceivedAt is { } got ? FhirDates.Instant(got) : null }
            : null,
        Supplier = CodeMapper.Organization(box.FromLabId),
        Destination = new Reference
        {
            Type = "Location",
            Identifier = new Identifier { System = FhirSystems.Organization, Value = box.ToLabId },
            Display = box.ToLabId,
        },
    };

    /// <summary>TaskStatus (R4, required binding): the column keeps the FHIR code already.</summary>
    public static string StatusCode(TransferStatus status) => status switch
    {
        TransferStatus.Requested => "requested",
        TransferStatus.Accepted => "accepted",
        TransferStatus.InProgress => "in-progress",
        TransferStatus.Completed => "completed",
        TransferStatus.Rejected => "rejected",
        TransferStatus.Failed => "failed",
        _ => "cancelled",
    };

    /// <summary>SupplyDeliveryStatus (R4, required binding): open and travelling boxes are in-progress, a received one completed.</summary>
    public static string BoxStatusCode(BoxStatus status) => status == BoxStatus.Received ? "completed" : "in-progress";

    public static string Temperature(TemperatureClass temperature) => temperature switch
    {
        TemperatureClass.Refrigerated => "refrigerated",
        TemperatureClass.Frozen => "frozen",
        _ => "ambient",
    };

    /// <summary>
    /// Task.businessStatus: where the send-out stands in OpenELIS's referral lifecycle, finer than Task.status — a
    /// requested Task waits for a box, is packed, or travels; a held one is received, has partial results or is returned.
    /// </summary>
    public static CodeableConcept BusinessStatus(TransferTask task)
    {
        var (code, display) = task.Status switch
        {
            TransferStatus.Requested => task.BoxStatus switch
            {
                null => ("awaiting-shipment", "Awaiting shipment"),
                BoxStatus.Open => ("packed", "Packed in a box"),
                _ => ("in-transit", "In transit"),
            },
            TransferStatus.Accepted => ("received", "Received by the performing lab"),
            TransferStatus.InProgress => ("results-partial", "Partial results returned"),
            TransferStatus.Completed => ("results-returned", "Results returned"),
            TransferStatus.Rejected or TransferStatus.Failed => ("specimen-rejected", "Specimen rejected"),
            _ => ("cancelled", "Cancelled"),
        };
        return CodeableConcept.Of(FhirSystems.TransferBusinessStatus, code, display);
    }

    private static TaskParameter Parameter(string code, string display, Reference value) => new() { Type = Type(code, display), ValueReference = value };

    private static CodeableConcept Type(string code, string display) => CodeableConcept.Of(FhirSystems.TransferParameterType, code, display);
}
