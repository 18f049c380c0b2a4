using EdgeLab.Hub.Audit;
using EdgeLab.Hub.Auth;
using EdgeLab.Hub.Domain;
using EdgeLab.Hub.Fhir.Mapping;
using EdgeLab.Hub.Fhir.Resources;
using EdgeLab.Hub.Fhir.Search;
using EdgeLab.Hub.Store;

namespace EdgeLab.Hub.Fhir;

/// <summary>
/// Specimen transfer on the FHIR API (issue 15 §1): <c>Task</c> read and search by owner, requester, status, focus and
/// _lastUpdated; <c>SupplyDelivery</c> (shipment boxes) read and search by status, supplier and receiver. A Task is seen
/// by its requester, its owner and the organization that ordered the referral; a box by its two labs. Every read and
/// search is audited (a Task names its patient; a box, which carries several, does not).
/// </summary>
internal static class TransferFhirEndpoints
{
    private static readonly string[] TaskParams = ["owner", "requester", "status", "focus", "_lastUpdated", "patient", "subject"];
    private static readonly string[] DeliveryParams = ["status", "supplier", "receiver"];

    public static void Map(RouteGroupBuilder fhir)
    {
        fhir.MapGet("/Task/{id}", ReadTask);
        fhir.MapGet("/Task", SearchTasks);
        fhir.MapGet("/SupplyDelivery/{id}", ReadDelivery);
        fhir.MapGet("/SupplyDelivery", SearchDeliveries);
    }

    private static async Task<IResult> ReadTask(string id, HttpContext http, TransferStore store, AuditTrail audit)
    {
        var caller = Authorize(http, "Task");
        var task = ResourceIds.IsValid(id) ? await store.GetAsync(caller.Scope, id, http.RequestAborted) : null;
        var shown = id.Length > 64 ? id[..64] : id;
        await audit.RecordAsync(http, caller, "read", "Task", shown, task?.PatientId, task is null ? StatusCodes.Status404NotFound : StatusCodes.Status200OK);
        return task is null ? FhirResult.NotFound("Task", shown) : new FhirResult(TransferMapper.ToFhir(task));
    }

    private static async Task<IResult> SearchTasks(HttpContext http, TransferStore store, AuditTrail audit)
    {
        var caller = Authorize(http, "Task");
        var search = SearchRequest.Parse("Task", http.Request, TaskParams);
        TransferStatus? status = null;
        if (search.Tokens("status") is { Count: > 0 } statuses)
        {
            if (statuses.Count > 1) throw new FhirInputException(IssueType.NotSupported, "Search parameter 'status' takes one code.", "status");
            status = TransferStatusText.TryParse(statuses[0].Code, out var parsed) ? parsed : throw new FhirInputException(IssueType.Value,
                $"Search parameter 'status': '{statuses[0].Code}' is not a TaskStatus EdgeLab uses (requested, accepted, in-progress, completed, rejected, failed, cancelled).", "status");
        }
        string? referralId = null, testCode = null;
        if (search.Reference("focus", "ServiceRequest") is { } focus)
        {
            if (!ResourceIds.TryParseServiceRequest(focus, out var referral, out var code))
                throw new FhirInputException(IssueType.Value, $"Search parameter 'focus': '{focus}' is not a ServiceRequest id ({{referralId}}.{{testCode}}).", "focus");
            (referralId, testCode) = (referral, code);
        }
        var updated = search.Date("_lastUpdated");
        var cursor = search.Cursor();
        if (cursor is not null && !ResourceIds.IsValid(cursor))
            throw new FhirInputException(IssueType.Value, "The paging cursor is not valid; follow Bundle.link[next] as given.", SearchRequest.CursorParameter);
        var page = await store.Reader.SearchTasksAsync(caller.Scope, new TaskSearch
        {
            OwnerLabId = Organization(search, "owner"),
            RequesterLabId = Organization(search, "requester"),
            Status = status,
            ReferralId = referralId,
            TestCode = testCode,
            PatientId = Patient(search),
            LastUpdatedFrom = updated?.From,
            LastUpdatedTo = updated?.To,
            Count = search.Count(),
            Cursor = cursor,
        }, http.RequestAborted);
        var items = page.Items;
        await audit.RecordSearchAsync(http, caller, "Task", items.Select(t => t.PatientId), StatusCodes.Status200OK);
        var resources = items.Select(t => (Resource)TransferMapper.ToFhir(t)).ToList();
        return new FhirResult(SearchSetBuilder.Build(http.Request, search.Applied, resources, page.NextCursor, firstPage: cursor is null));
    }

    private static async Task<IResult> ReadDelivery(string id, HttpContext http, TransferStore store, AuditTrail audit)
    {
        var caller = Authorize(http, "SupplyDelivery");
        var box = ResourceIds.IsValid(id) ? await store.GetBoxAsync(caller.Scope, id, http.RequestAborted) : null;
        var shown = id.Length > 64 ? id[..64] : id;
        await audit.RecordAsync(http, caller, "read", "SupplyDelivery", shown, null, box is null ? StatusCodes.Status404NotFound : StatusCodes.Status200OK);
        if (box is null) return FhirResult.NotFound("SupplyDelivery", shown);
        return new FhirResult(TransferMapper.ToFhir(box, await TubesAsync(store, box.Id, http.RequestAborted)));
    }

    private static async Task<IResult> SearchDeliveries(HttpContext http, TransferStore store, AuditTrail audit)
    {
        var caller = Authorize(http, "SupplyDelivery");
        var search = SearchRequest.Parse("SupplyDelivery", http.Request, DeliveryParams);
        List<BoxStatus>? statuses = null;
        if (search.Tokens("status") is { Count: > 0 } tokens)
        {
            statuses = [];
            foreach (var (_, code) in tokens)
            {
                BoxStatus[] matched = code switch
                {
                    "in-progress" => [BoxStatus.Open, BoxStatus.InTransit],
                    "completed" => [BoxStatus.Received],
                    "abandoned" or "entered-in-error" => [],
                    _ => throw new FhirInputException(IssueType.Value,
                        $"Search parameter 'status': '{code}' is not a SupplyDeliveryStatus (in-progress, completed, abandoned, entered-in-error).", "status"),
                };
                statuses.AddRange(matched);
            }
        }
        var cursor = search.Cursor();
        if (cursor is not null && !ResourceIds.IsValid(cursor))
            throw new FhirInputException(IssueType.Value, "The paging cursor is not valid; follow Bundle.link[next] as given.", SearchRequest.CursorParameter);
        var page = statuses is { Count: 0 }
            ? new Page<ShipmentBox>([], null)
            : await store.Reader.SearchBoxesAsync(caller.Scope, new BoxSearch
            {
                Statuses = statuses,
                FromLabId = Organization(search, "supplier"),
                ToLabId = Organization(search, "receiver"),
                Count = search.Count(),
                Cursor = cursor,
            }, http.RequestAborted);
        var resources = new List<Resource>();
        foreach (var box in page.Items) resources.Add(TransferMapper.ToFhir(box, await TubesAsync(store, box.Id, http.RequestAborted)));
        await audit.RecordAsync(http, caller, "search", "SupplyDelivery", null, null, StatusCodes.Status200OK);
        return new FhirResult(SearchSetBuilder.Build(http.Request, search.Applied, resources, page.NextCursor, firstPage: cursor is null));
    }

    private static async Task<int> TubesAsync(TransferStore store, string boxId, CancellationToken ct) =>
        (await store.BoxContentsAsync(boxId, ct)).Select(t => t.SpecimenId).Distinct().Count();

    /// <summary>
    /// An organization parameter: <c>lab-2</c>, <c>Organization/lab-2</c> or <c>urn:edgelab:organization|lab-2</c> (organizations
    /// are logical references here, identified in <see cref="FhirSystems.Organization"/>). For SupplyDelivery <c>receiver</c>
    /// it names the receiving lab, which the resource carries as its destination (R4 receiver allows practitioners only).
    /// </summary>
    private static string? Organization(SearchRequest search, string name)
    {
        var raw = search.Single(name);
        if (raw is null) return null;
        var id = raw.StartsWith(FhirSystems.Organization + "|", StringComparison.Ordinal) ? raw[(FhirSystems.Organization.Length + 1)..]
            : raw.StartsWith("Organization/", StringComparison.Ordinal) ? raw["Organization/".Length..]
            : raw;
        return ResourceIds.IsValid(id) ? id
            : throw new FhirInputException(IssueType.Value, $"Search parameter '{name}': '{raw}' is not an organization id (lab-2, Organization/lab-2).", name);
    }

    /// <summary><c>patient</c> or <c>subject</c> (Task.for, a Patient here).</summary>
    private static string? Patient(SearchRequest search)
    {
        var patient = search.Reference("patient", "Patient");
        var subject = search.Reference("subject", "Patient");
        if (patient is not null && subject is not null && patient != subject)
            throw new FhirInputException(IssueType.Invalid, "Search parameters 'patient' and 'subject' name different patients.", "subject");
        return patient ?? subject;
    }

    private static ApiCaller Authorize(HttpContext http, string resourceType)
    {
        var caller = ApiCaller.From(http);
        ScopeRequiredException.ThrowUnlessAllowed(caller, resourceType, "read");
        return caller;
    }
}
