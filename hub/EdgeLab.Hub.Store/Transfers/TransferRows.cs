using EdgeLab.Hub.Domain;
using static EdgeLab.Hub.Store.StoreEncoding;

namespace EdgeLab.Hub.Store;

/// <summary>FHIR Task.status text ↔ <see cref="TransferStatus"/> (the column keeps the FHIR code, e.g. <c>in-progress</c>).</summary>
public static class TransferStatusText
{
    public static string Of(TransferStatus status) => status switch
    {
        TransferStatus.InProgress => "in-progress",
        _ => Enum(status),
    };

    public static bool TryParse(string text, out TransferStatus status)
    {
        foreach (var s in System.Enum.GetValues<TransferStatus>())
        {
            if (Of(s) == text)
            {
                status = s;
                return true;
            }
        }
        status = default;
        return false;
    }

    public static string BoxOf(BoxStatus status) => status == BoxStatus.InTransit ? "in-transit" : Enum(status);

    public static BoxStatus Box(string text) => text == "in-transit" ? BoxStatus.InTransit : Enum<BoxStatus>(text);

    public static string AlertOf(TransferAlertKind kind) => kind == TransferAlertKind.ShipmentOverdue ? "shipment-overdue" : "results-overdue";
}

#pragma warning disable CA1812 // instantiated by Dapper
public sealed class TransferTaskRow
{
    public const string Columns =
        "t.id, t.referral_id, s.patient_id, t.specimen_id, t.source_specimen_id, t.test_code, t.requester_lab_id, t.owner_lab_id, t.status, " +
        "t.status_reason, t.box_id, b.status AS box_status, b.condition AS box_condition, t.created, t.received_at, t.results_due_at, t.completed_at, t.last_updated";

    public const string From = "transfer_task t JOIN specimen s ON s.id = t.specimen_id LEFT JOIN shipment_box b ON b.id = t.box_id";

    public string id { get; set; } = "";
    public string referral_id { get; set; } = "";
    public string patient_id { get; set; } = "";
    public string specimen_id { get; set; } = "";
    public string source_specimen_id { get; set; } = "";
    public string test_code { get; set; } = "";
    public string requester_lab_id { get; set; } = "";
    public string owner_lab_id { get; set; } = "";
    public string status { get; set; } = "";
    public string? status_reason { get; set; }
    public string? box_id { get; set; }
    public string? box_status { get; set; }
    public string? box_condition { get; set; }
    public long created { get; set; }
    public long? received_at { get; set; }
    public long? results_due_at { get; set; }
    public long? completed_at { get; set; }
    public long last_updated { get; set; }

    public TransferTask ToDomain() => new()
    {
        Id = id,
        ReferralId = referral_id,
        PatientId = patient_id,
        SpecimenId = specimen_id,
        SourceSpecimenId = source_specimen_id,
        TestCode = test_code,
        RequesterLabId = requester_lab_id,
        OwnerLabId = owner_lab_id,
        Status = TransferStatusText.TryParse(status, out var st) ? st : TransferStatus.Failed,
        StatusReason = status_reason,
        BoxId = box_id,
        BoxStatus = box_status is null ? null : TransferStatusText.Box(box_status),
        BoxCondition = box_condition,
        Created = Time(created),
        ReceivedAt = Time(received_at),
        ResultsDueAt = Time(results_due_at),
        CompletedAt = Time(completed_at),
        LastUpdated = Time(last_updated),
    };
}

public sealed class ShipmentBoxRow
{
    public const string Columns =
        "id, barcode, from_lab_id, to_lab_id, capacity, temperature, status, condition, created, dispatched_at, receive_due_at, received_at, received_by, last_updated";

    public string id { get; set; } = "";
    public string barcode { get; set; } = "";
    public string from_lab_id { get; set; } = "";
    public string to_lab_id { get; set; } = "";
    public long capacity { get; set; }
    public string temperature { get; set; } = "";
    public string status { get; set; } = "";
    public string? condition { get; set; }
    public long created { get; set; }
    public long? dispatched_at { get; set; }
    public long? receive_due_at { get; set; }
    public long? received_at { get; set; }
    public string? received_by { get; set; }
    public long last_updated { get; set; }

    public ShipmentBox ToDomain() => new()
    {
        Id = id,
        Barcode = barcode,
        FromLabId = from_lab_id,
        ToLabId = to_lab_id,
        Capacity = (int)capacity,
        Temperature = Enum<TemperatureClass>(temperature),
        Status = TransferStatusText.Box(status),
        Condition = condition,
        Created = Time(created),
        DispatchedAt = Time(dispatched_at),
        ReceiveDueAt = Time(receive_due_at),
        ReceivedAt = Time(received_at),
        ReceivedBy = received_by,
        LastUpdated = Time(last_updated),
    };
}

public sealed class TransferAlertRow
{
    public string id { get; set; } = "";
    public string kind { get; set; } = "";
    public string subject_id { get; set; } = "";
    public string lab_id { get; set; } = "";
    public string detail { get; set; } = "";
    public long raised_at { get; set; }

    public TransferAlert ToDomain() => new(id, kind == "shipment-overdue" ? TransferAlertKind.ShipmentOverdue : TransferAlertKind.ResultsOverdue, subject_id, lab_id, detail, Time(raised_at));
}
