using EdgeLab.Hub.Audit;
using EdgeLab.Hub.Auth;
using EdgeLab.Hub.Domain;
using EdgeLab.Hub.Fhir.Mapping;
using EdgeLab.Hub.Fhir.Resources;
using EdgeLab.Hub.Fhir.Search;
using EdgeLab.Hub.Store;

namespace EdgeLab.Hub.Fhir;

/// <summary>
/// The paper card archive on the FHIR API (issue 15 §2): <c>Location</c> read and search (archive → zone → box →
/// position, <c>partOf</c>), <c>DocumentReference</c> read and search by <c>patient</c> and <c>category</c>. Locations
/// carry no patient data; documents are scoped as their card and every read is audited.
/// </summary>
internal static class ArchiveFhirEndpoints
{
    private static readonly string[] LocationParams = ["name", "partof", "identifier"];
    private static readonly string[] DocumentParams = ["patient", "subject", "category", "identifier"];

    public static void Map(RouteGroupBuilder fhir)
    {
        fhir.MapGet("/Location/{id}", ReadLocation);
        fhir.MapGet("/Location", SearchLocations);
        fhir.MapGet("/DocumentReference/{id}", ReadDocument);
        fhir.MapGet("/DocumentReference", SearchDocuments);
    }

    private static async Task<IResult> ReadLocation(string id, HttpContext http, IArchiveStore store)
    {
        ScopeRequiredException.ThrowUnlessAllowed(ApiCaller.From(http), "Location", "read");
        Location? resource = null;
        if (ResourceIds.IsValid(id))
        {
            if (await store.GetLocationAsync(id, http.RequestAborted) is { } location) resource = ArchiveMapper.ToFhir(location);
            else if (ArchiveMapper.TryParsePositionId(id, out var boxId, out var position)
                && await store.GetLocationAsync(boxId, http.RequestAborted) is { Kind: ArchiveLocationKind.Box } box && position <= box.Positions)
                resource = ArchiveMapper.Position(box, position);
        }
        return resource is null ? FhirResult.NotFound("Location", id.Length > 64 ? id[..64] + "…" : id) : new FhirResult(resource);
    }

    private static async Task<IResult> SearchLocations(HttpContext http, IArchiveStore store)
    {
        ScopeRequiredException.ThrowUnlessAllowed(ApiCaller.From(http), "Location", "read");
        var search = SearchRequest.Parse("Location", http.Request, LocationParams);
        var cursor = search.Cursor();
        Page<ArchiveLocation> page;
        if (search.Tokens("identifier") is { Count: > 0 } ids)
        {
            if (ids[0].System is { } system && system != FhirSystems.ArchiveLocationPath)
                throw new FhirInputException(IssueType.Value, $"Location identifiers are in system {FhirSystems.ArchiveLocationPath}, not '{system}'.", "identifier");
            var boxes = await store.LoadBoxesAsync(http.RequestAborted);
            page = new Page<ArchiveLocation>(boxes.TryGetValue(ids[0].Code, out var box) ? [box] : [], null);
        }
        else
        {
            page = await store.SearchLocationsAsync(search.Single("name"), search.Reference("partof", "Location"), search.Count(), cursor, http.RequestAborted);
        }
        var resources = page.Items.Select(l => (Resource)ArchiveMapper.ToFhir(l)).ToList();
        return new FhirResult(SearchSetBuilder.Build(http.Request, search.Applied, resources, page.NextCursor, firstPage: cursor is null));
    }

    private static async Task<IResult> ReadDocument(string id, HttpContext http, IArchiveStore store, AuditTrail audit)
    {
        var caller = ApiCaller.From(http);
        ScopeRequiredException.ThrowUnlessAllowed(caller, "DocumentReference", "read");
        var document = ResourceIds.IsValid(id) ? await store.GetDocumentAsync(caller.Scope, id, http.RequestAborted) : null;
        var shown = id.Length > 64 ? id[..64] : id;
        await audit.RecordAsync(http, caller, "read", "DocumentReference", shown, document?.PatientId, document is null ? 404 : 200);
        return document is null ? FhirResult.NotFound("DocumentReference", shown) : new FhirResult(ArchiveMapper.ToFhir(document, ServerBase(http.Request)));
    }

    private static async Task<IResult> SearchDocuments(HttpContext http, IArchiveStore store, AuditTrail audit)
    {
        var caller = ApiCaller.From(http);
        ScopeRequiredException.ThrowUnlessAllowed(caller, "DocumentReference", "read");
        var search = SearchRequest.Parse("DocumentReference", http.Request, DocumentParams);
        var patient = search.Reference("patient", "Patient");
        var subject = search.Reference("subject", "Patient");
        if (patient is not null && subject is not null && patient != subject)
            throw new FhirInputException(IssueType.Invalid, "Search parameters 'patient' and 'subject' name different patients.", "subject");
        string? category = null;
        if (search.Tokens("category") is { Count: > 0 } categories)
        {
            if (categories.Count > 1) throw new FhirInputException(IssueType.NotSupported, "Search parameter 'category' takes one code.", "category");
            if (categories[0].System is { } system && system != FhirSystems.ArchiveDocumentCategory)
                throw new FhirInputException(IssueType.Value, $"Search parameter 'category': system must be {FhirSystems.ArchiveDocumentCategory}.", "category");
            category = categories[0].Code;
        }
        string? card = null;
        if (search.Tokens("identifier") is { Count: > 0 } ids)
        {
            if (ids[0].System is { } system && system != FhirSystems.ArchiveCardNumber)
                throw new FhirInputException(IssueType.Value, $"DocumentReference identifiers are card numbers in system {FhirSystems.ArchiveCardNumber}, not '{system}'.", "identifier");
            card = ids[0].Code;
        }
        var cursor = search.Cursor();
        var page = await store.SearchDocumentsAsync(caller.Scope,
            new DocumentQuery { PatientId = patient ?? subject, Category = category, CardNumber = card, Count = search.Count(), Cursor = cursor }, http.RequestAborted);
        var baseUrl = ServerBase(http.Request);
        var resources = page.Items.Select(d => (Resource)ArchiveMapper.ToFhir(d, baseUrl)).ToList();
        await audit.RecordSearchAsync(http, caller, "DocumentReference", page.Items.Select(d => d.PatientId).OfType<string>(), StatusCodes.Status200OK);
        return new FhirResult(SearchSetBuilder.Build(http.Request, search.Applied, resources, page.NextCursor, firstPage: cursor is null));
    }

    /// <summary>The hub's own address (for the attachment's download URL under /api).</summary>
    public static string ServerBase(HttpRequest request) => $"{request.Scheme}://{request.Host}{request.PathBase}";
}
