using EdgeLab.Hub.Domain;
using static EdgeLab.Hub.Store.StoreEncoding;

namespace EdgeLab.Hub.Store;

// Dapper row shapes: column names as properties, only long/double/string/byte[] so both providers map them alike.
#pragma warning disable CA1812 // instantiated by Dapper
public sealed class PatientRow
{
    public string id { get; set; } = "";
    public string managing_org_id { get; set; } = "";
    public string? snils { get; set; }
    public string? oms_policy { get; set; }
    public string family_name { get; set; } = "";
    public string given_name { get; set; } = "";
    public string? middle_name { get; set; }
    public string sex { get; set; } = "";
    public string birth_date { get; set; } = "";
    public long created { get; set; }
    public long last_updated { get; set; }

    public Patient ToDomain() => new()
    {
        Id = id,
        ManagingOrganizationId = managing_org_id,
        Snils = snils,
        OmsPolicy = oms_policy,
        FamilyName = family_name,
        GivenName = given_name,
        MiddleName = middle_name,
        Sex = Sex(sex),
        BirthDate = Date(birth_date),
        Created = Time(created),
        LastUpdated = Time(last_updated),
    };
}

public sealed class ReferralRow
{
    public string id { get; set; } = "";
    public string patient_id { get; set; } = "";
    public string ordering_org_id { get; set; } = "";
    public string practitioner_name { get; set; } = "";
    public string? practitioner_id { get; set; }
    public string performing_lab_id { get; set; } = "";
    public string test_codes { get; set; } = "";
    public string priority { get; set; } = "";
    public string status { get; set; } = "";
    public string? external_id { get; set; }
    public long created { get; set; }
    public long last_updated { get; set; }

    public Referral ToDomain() => new()
    {
        Id = id,
        PatientId = patient_id,
        OrderingOrganizationId = ordering_org_id,
        PractitionerName = practitioner_name,
        PractitionerId = practitioner_id,
        PerformingLabId = performing_lab_id,
        TestCodes = Codes(test_codes),
        Priority = priority,
        Status = Enum<ReferralStatus>(status),
        ExternalId = external_id,
        Created = Time(created),
        LastUpdated = Time(last_updated),
    };
}

public sealed class SpecimenRow
{
    public string id { get; set; } = "";
    public string referral_id { get; set; } = "";
    public string patient_id { get; set; } = "";
    public string type { get; set; } = "";
    public string test_codes { get; set; } = "";
    public string status { get; set; } = "";
    public long? collected_at { get; set; }
    public long created { get; set; }
    public long last_updated { get; set; }
    public string? parent_id { get; set; }

    public Specimen ToDomain() => new()
    {
        Id = id,
        ReferralId = referral_id,
        PatientId = patient_id,
        Type = type,
        TestCodes = Codes(test_codes),
        Status = Enum<SpecimenStatus>(status),
        CollectedAt = Time(collected_at),
        Created = Time(created),
        LastUpdated = Time(last_updated),
        ParentId = parent_id,
    };
}

public sealed class ResultRow
{
    public long id { get; set; }
    public string specimen_id { get; set; } = "";
    public string referral_id { get; set; } = "";
    public string patient_id { get; set; } = "";
    public string lab_id { get; set; } = "";
    public string catalog_code { get; set; } = "";
    public string analyzer_code { get; set; } = "";
    public string value { get; set; } = "";
    public double? numeric_value { get; set; }
    public string? comparator { get; set; }
    public string? unit { get; set; }
    public double? ref_low { get; set; }
    public double? ref_high { get; set; }
    public string? ref_text { get; set; }
    public string? interpretation { get; set; }
    public string? flags { get; set; }
    public string status { get; set; } = "";
    public long effective_at { get; set; }
    public long issued_at { get; set; }
    public string gateway_id { get; set; } = "";
    public string instrument_id { get; set; } = "";
    public string message_id { get; set; } = "";
    public long? supersedes_id { get; set; }
    public long is_current { get; set; }
    public long last_updated { get; set; }
    public string? review { get; set; }
    public string? hold_reasons { get; set; }
    /// <summary>The lab doctor's <see cref="ValidationAction"/>, or null while undecided.</summary>
    public string? decision { get; set; }

    public LabResult ToDomain() => new()
    {
        Id = id,
        SpecimenId = specimen_id,
        ReferralId = referral_id,
        PatientId = patient_id,
        PerformingLabId = lab_id,
        CatalogCode = catalog_code,
        AnalyzerCode = analyzer_code,
        Value = value,
        Numeric = Dec(numeric_value),
        Comparator = comparator,
        Unit = unit,
        ReferenceLow = Dec(ref_low),
        ReferenceHigh = Dec(ref_high),
        ReferenceText = ref_text,
        Interpretation = interpretation,
        AnalyzerFlags = List(flags),
        Status = Enum<ResultStatus>(status),
        EffectiveAt = Time(effective_at),
        IssuedAt = Time(issued_at),
        GatewayId = gateway_id,
        InstrumentId = instrument_id,
        MessageId = message_id,
        SupersedesId = supersedes_id,
        IsCurrent = is_current != 0,
        LastUpdated = Time(last_updated),
        Review = review,
        HoldReasons = HoldReasons(hold_reasons),
        Validation = decision is not null ? ValidationStates.After(Enum<ValidationAction>(decision))
            : hold_reasons is null ? ValidationState.AutoReleased : ValidationState.Held,
    };
}

public sealed class UnmatchedRow
{
    public long id { get; set; }
    public string reason { get; set; } = "";
    public string message_id { get; set; } = "";
    public string gateway_id { get; set; } = "";
    public string? lab_id { get; set; }
    public string instrument_id { get; set; } = "";
    public string profile { get; set; } = "";
    public long sequence { get; set; }
    public string? specimen_id { get; set; }
    public string analyzer_code { get; set; } = "";
    public string value { get; set; } = "";
    public string? units { get; set; }
    public string? flags { get; set; }
    public string? reference_range { get; set; }
    public string? status { get; set; }
    public long? completed_at { get; set; }
    public long received_at { get; set; }
    public long? resolved_at { get; set; }
    public string? resolved_by { get; set; }
    public long? resolved_result_id { get; set; }

    public UnmatchedResult ToDomain() => new()
    {
        Id = id,
        Reason = System.Enum.Parse<UnmatchedReason>(reason),
        MessageId = message_id,
        GatewayId = gateway_id,
        LabId = lab_id,
        InstrumentId = instrument_id,
        Profile = profile,
        SpecimenId = specimen_id,
        AnalyzerCode = analyzer_code,
        Value = value,
        Units = units,
        Flags = List(flags),
        ReferenceRange = reference_range,
        Status = status,
        CompletedAt = Time(completed_at),
        ReceivedAt = Time(received_at),
        ResolvedAt = Time(resolved_at),
        ResolvedBy = resolved_by,
        ResolvedResultId = resolved_result_id,
    };
}

public sealed class QuarantineRow
{
    public long id { get; set; }
    public string topic { get; set; } = "";
    public string? gateway_id { get; set; }
    public string? message_id { get; set; }
    public string reason { get; set; } = "";
    public string detail { get; set; } = "";
    public byte[] payload { get; set; } = [];
    public long payload_length { get; set; }
    public long received_at { get; set; }

    public QuarantinedPayload ToDomain() => new()
    {
        Id = id,
        Topic = topic,
        GatewayId = gateway_id,
        MessageId = message_id,
        Reason = System.Enum.Parse<QuarantineReason>(reason),
        Detail = detail,
        Payload = payload,
        PayloadLength = (int)payload_length,
        ReceivedAt = Time(received_at),
    };
}

public sealed class OrganizationRow
{
    public string id { get; set; } = "";
    public string name { get; set; } = "";
    public string kind { get; set; } = "";
    public string? webhook_url { get; set; }
    public string? phone { get; set; }
    public long created { get; set; }

    public Organization ToDomain() => new() { Id = id, Name = name, Kind = Enum<OrganizationKind>(kind), WebhookUrl = webhook_url, Phone = phone, Created = Time(created) };
}

public sealed class GatewayRow
{
    public string id { get; set; } = "";
    public string lab_id { get; set; } = "";
    public long? online { get; set; }
    public long? last_status_at { get; set; }
    public string? last_status_json { get; set; }
    public long created { get; set; }

    public GatewayRecord ToDomain() => new()
    {
        Id = id,
        LabId = lab_id,
        Online = online is { } o ? o != 0 : null,
        LastStatusAt = Time(last_status_at),
        LastStatusJson = last_status_json,
        Created = Time(created),
    };
}

public sealed class GatewayEventRow
{
    public long id { get; set; }
    public string gateway_id { get; set; } = "";
    public string message_id { get; set; } = "";
    public string type { get; set; } = "";
    public string? instrument_id { get; set; }
    public long at { get; set; }
    public string? text { get; set; }
    public string? data_json { get; set; }

    public GatewayEvent ToDomain() => new()
    {
        Id = id,
        GatewayId = gateway_id,
        MessageId = message_id,
        Type = type,
        InstrumentId = instrument_id,
        At = Time(at),
        Text = text,
        DataJson = data_json,
    };
}

public sealed class ApiClientRow
{
    public string id { get; set; } = "";
    public string name { get; set; } = "";
    public string org_id { get; set; } = "";
    public string token_sha256 { get; set; } = "";
    public string scopes { get; set; } = "";
    public long created { get; set; }
    public long? revoked_at { get; set; }
    public long? expires_at { get; set; }

    public ApiClient ToDomain() => new()
    {
        Id = id,
        Name = name,
        OrganizationId = org_id,
        TokenSha256 = token_sha256,
        Scopes = Codes(scopes),
        Created = Time(created),
        RevokedAt = Time(revoked_at),
        ExpiresAt = Time(expires_at),
    };
}

public sealed class AuditRow
{
    public long id { get; set; }
    public long at { get; set; }
    public string client_id { get; set; } = "";
    public string org_id { get; set; } = "";
    public string action { get; set; } = "";
    public string resource_type { get; set; } = "";
    public string? resource_id { get; set; }
    public string? patient_id { get; set; }
    public string? query { get; set; }
    public long status_code { get; set; }
    public string? remote_address { get; set; }

    public AuditEntry ToDomain() => new()
    {
        Id = id,
        At = Time(at),
        ClientId = client_id,
        OrganizationId = org_id,
        Action = action,
        ResourceType = resource_type,
        ResourceId = resource_id,
        PatientId = patient_id,
        Query = query,
        StatusCode = (int)status_code,
        RemoteAddress = remote_address,
    };
}
#pragma warning restore CA1812

#pragma warning disable CA1812 // instantiated by Dapper
public sealed class OrderOutboxRow
{
    public long seq { get; set; }
    public string gateway_id { get; set; } = "";
    public string referral_id { get; set; } = "";
    public string specimen_id { get; set; } = "";
    public string action { get; set; } = "";
    public byte[] payload { get; set; } = [];
    public long created { get; set; }
}
#pragma warning restore CA1812
