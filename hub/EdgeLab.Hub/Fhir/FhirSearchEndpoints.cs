using System.Globalization;
using EdgeLab.Hub.Audit;
using EdgeLab.Hub.Auth;
using EdgeLab.Hub.Catalog;
using EdgeLab.Hub.Domain;
using EdgeLab.Hub.Fhir.Mapping;
using EdgeLab.Hub.Fhir.Resources;
using EdgeLab.Hub.Fhir.Search;
using EdgeLab.Hub.Store;

namespace EdgeLab.Hub.Fhir;

/// <summary>
/// The search interaction (R4 §3.1.1, <c>GET [base]/[type]?…</c>) answering searchset Bundles. Results are always
/// limited to the client's organization; every search is audited once per patient whose data it returned.
/// </summary>
internal static class FhirSearchEndpoints
{
    private static readonly string[] ObservationParams = ["patient", "subject", "code", "category", "date", "_lastUpdated", "specimen"];
    private static readonly string[] ReportParams = ["patient", "subject", "status", "based-on"];
    private static readonly string[] SpecimenParams = ["identifier", "patient", "subject"];
    private static readonly string[] ServiceRequestParams = ["patient", "subject", "status", "requisition"];
    private static readonly string[] PatientParams = ["identifier", "family", "given", "birthdate", "_id"];

    public static void Map(RouteGroupBuilder fhir)
    {
        fhir.MapGet("/Observation", SearchObservations);
        fhir.MapGet("/DiagnosticReport", SearchReports);
        fhir.MapGet("/Specimen", SearchSpecimens);
        fhir.MapGet("/ServiceRequest", SearchServiceRequests);
        fhir.MapGet("/Patient", SearchPatients);
    }

    private static async Task<IResult> SearchObservations(HttpContext http, IClinicalStore store, ITestCatalog catalog, AuditTrail audit)
    {
        var caller = Authorize(http, "Observation");
        var search = SearchRequest.Parse("Observation", http.Request, ObservationParams);
        var date = search.Date("date");
        var updated = search.Date("_lastUpdated");
        var query = new ObservationQuery
        {
            PatientId = Patient(search),
            SpecimenId = search.Reference("specimen", "Specimen"),
            Codes = ObservationCodes(search, catalog),
            Category = ObservationCategory(search, out var none),
            EffectiveFrom = date?.From,
            EffectiveTo = date?.To,
            LastUpdatedFrom = updated?.From,
            LastUpdatedTo = updated?.To,
            Count = search.Count(),
            Cursor = search.Cursor(),
        };
        var page = none ? new Page<LabResult>([], null) : await store.SearchObservationsAsync(caller.Scope, query, http.RequestAborted);
        var resources = page.Items.Select(r => (Resource)ObservationMapper.ToFhir(r, catalog)).ToList();
        return await Answer(http, search, caller, audit, "Observation", resources, page.Items.Select(r => r.PatientId), page.NextCursor, query.Cursor);
    }

    private static async Task<IResult> SearchReports(HttpContext http, IClinicalStore store, ITestCatalog catalog, AuditTrail audit)
    {
        var caller = Authorize(http, "DiagnosticReport");
        var search = SearchRequest.Parse("DiagnosticReport", http.Request, ReportParams);
        ReportStatus? status = null;
        if (search.Tokens("status") is { Count: > 0 } statuses)
        {
            if (statuses.Count > 1) throw new FhirInputException(IssueType.NotSupported, "Search parameter 'status' takes one code.", "status");
            status = DiagnosticReportMapper.ParseStatus(statuses[0].Code) ?? throw new FhirInputException(IssueType.Value,
                $"Search parameter 'status': '{statuses[0].Code}' is not a DiagnosticReportStatus EdgeLab uses (registered, partial, final, amended, cancelled).", "status");
        }
        string? referralId = null;
        if (search.Single("based-on") is { } basedOn)
        {
            var id = basedOn.StartsWith("ServiceRequest/", StringComparison.Ordinal) ? basedOn["ServiceRequest/".Length..] : basedOn;
            referralId = ResourceIds.TryParseServiceRequest(id, out var r, out _) ? r : id;
        }
        var count = search.Count();
        var offset = OffsetCursor.Parse(search.Cursor());
        var all = await store.ListReportsAsync(caller.Scope, new ReportQuery { PatientId = Patient(search), Status = status, ReferralId = referralId }, http.RequestAborted);
        var slice = all.Skip(offset).Take(count).ToList();
        var next = offset + count < all.Count ? OffsetCursor.Format(offset + count) : null;
        var resources = slice.Select(r => (Resource)DiagnosticReportMapper.ToFhir(r, catalog)).ToList();
        return await Answer(http, search, caller, audit, "DiagnosticReport", resources, slice.Select(r => r.PatientId), next, offset == 0 ? null : "x");
    }

    private static async Task<IResult> SearchSpecimens(HttpContext http, IClinicalStore store, AuditTrail audit)
    {
        var caller = Authorize(http, "Specimen");
        var search = SearchRequest.Parse("Specimen", http.Request, SpecimenParams);
        string? barcode = null;
        if (search.Tokens("identifier") is { Count: > 0 } ids)
        {
            if (ids.Count > 1) throw new FhirInputException(IssueType.NotSupported, "Search parameter 'identifier' takes one value.", "identifier");
            if (ids[0].System is { } system && system != FhirSystems.SpecimenBarcode)
                throw new FhirInputException(IssueType.Value, $"Specimen identifiers are in system {FhirSystems.SpecimenBarcode}, not '{system}'.", "identifier");
            barcode = ids[0].Code;
        }
        var query = new SpecimenQuery { Barcode = barcode, PatientId = Patient(search), Count = search.Count(), Cursor = search.Cursor() };
        var page = await store.SearchSpecimensAsync(caller.Scope, query, http.RequestAborted);
        var resources = page.Items.Select(s => (Resource)SpecimenMapper.ToFhir(s)).ToList();
        return await Answer(http, search, caller, audit, "Specimen", resources, page.Items.Select(s => s.PatientId), page.NextCursor, query.Cursor);
    }

    private static async Task<IResult> SearchServiceRequests(HttpContext http, IClinicalStore store, ITestCatalog catalog, AuditTrail audit)
    {
        var caller = Authorize(http, "ServiceRequest");
        var search = SearchRequest.Parse("ServiceRequest", http.Request, ServiceRequestParams);
        ReferralStatus? status = search.Single("status") switch
        {
            null => null,
            "active" => ReferralStatus.Active,
            "completed" => ReferralStatus.Completed,
            "revoked" => ReferralStatus.Cancelled,
            var other => throw new FhirInputException(IssueType.Value, $"Search parameter 'status': '{other}' is not one of active, completed, revoked.", "status"),
        };
        Page<Referral> page;
        string? cursor = null;
        if (search.Tokens("requisition") is { Count: > 0 } requisitions)
        {
            var referral = await store.GetReferralAsync(caller.Scope, requisitions[0].Code, http.RequestAborted);
            page = new Page<Referral>(referral is null || (status is not null && referral.Status != status) ? [] : [referral], null);
        }
        else
        {
            cursor = search.Cursor();
            page = await store.SearchReferralsAsync(caller.Scope,
                new ReferralQuery { PatientId = Patient(search), Status = status, Count = search.Count(), Cursor = cursor }, http.RequestAborted);
        }
        var resources = new List<Resource>();
        foreach (var referral in page.Items)
        {
            var specimens = await store.SearchSpecimensAsync(caller.Scope, new SpecimenQuery { ReferralId = referral.Id, Count = 100 }, http.RequestAborted);
            resources.AddRange(ServiceRequestMapper.ToFhir(referral, specimens.Items, catalog));
        }
        return await Answer(http, search, caller, audit, "ServiceRequest", resources, page.Items.Select(r => r.PatientId), page.NextCursor, cursor);
    }

    private static async Task<IResult> SearchPatients(HttpContext http, IClinicalStore store, AuditTrail audit)
    {
        var caller = Authorize(http, "Patient");
        var search = SearchRequest.Parse("Patient", http.Request, PatientParams);
        string? snils = null, oms = null;
        foreach (var (system, value) in search.Tokens("identifier"))
        {
            var digits = new string(value.Where(char.IsAsciiDigit).ToArray());
            switch (system)
            {
                case FhirSystems.Snils: snils = digits; break;
                case FhirSystems.OmsPolicy: oms = digits; break;
                case null when digits.Length == 11: snils = digits; break;
                case null when digits.Length == 16: oms = digits; break;
                default:
                    throw new FhirInputException(IssueType.Value,
                        $"Search parameter 'identifier': use {FhirSystems.Snils}|<11-digit SNILS> or {FhirSystems.OmsPolicy}|<16-digit OMS policy>, not '{system}|{value}'.", "identifier");
            }
        }
        DateOnly? birthDate = null;
        if (search.Single("birthdate") is { } bd)
            birthDate = FhirDates.TryParseDate(bd, out var d) ? d
                : throw new FhirInputException(IssueType.Value, $"Search parameter 'birthdate' must be YYYY-MM-DD, not '{bd}'.", "birthdate");
        Page<Domain.Patient> page;
        var cursor = search.Cursor();
        if (search.Single("_id") is { } id)
        {
            var one = ResourceIds.IsValid(id) ? await store.GetPatientAsync(caller.Scope, id, http.RequestAborted) : null;
            page = new Page<Domain.Patient>(one is null ? [] : [one], null);
        }
        else
        {
            page = await store.SearchPatientsAsync(caller.Scope, new PatientQuery
            {
                Snils = snils,
                OmsPolicy = oms,
                FamilyName = search.Single("family"),
                GivenName = search.Single("given"),
                BirthDate = birthDate,
                Count = search.Count(),
                Cursor = cursor,
            }, http.RequestAborted);
        }
        var resources = page.Items.Select(p => (Resource)PatientMapper.ToFhir(p)).ToList();
        return await Answer(http, search, caller, audit, "Patient", resources, page.Items.Select(p => p.Id), page.NextCursor, cursor);
    }

    /// <summary><c>patient</c> or <c>subject</c> (both reference a Patient here).</summary>
    private static string? Patient(SearchRequest search)
    {
        var patient = search.Reference("patient", "Patient");
        var subject = search.Reference("subject", "Patient");
        if (patient is not null && subject is not null && patient != subject)
            throw new FhirInputException(IssueType.Invalid, "Search parameters 'patient' and 'subject' name different patients.", "subject");
        return patient ?? subject;
    }

    /// <summary>Observation <c>code</c>: LOINC, ФСЛИ or regional catalog codes (system optional).</summary>
    private static IReadOnlyList<string> ObservationCodes(SearchRequest search, ITestCatalog catalog)
    {
        var codes = new List<string>();
        foreach (var (system, code) in search.Tokens("code"))
        {
            switch (system)
            {
                case null or FhirSystems.Loinc or FhirSystems.CatalogCode:
                    codes.Add(code);
                    break;
                case FhirSystems.Fsli:
                    // Unknown ФСЛИ codes still filter (to nothing) rather than widening the search.
                    codes.Add(catalog.FindByFsli(code)?.Code ?? "fsli:" + code);
                    break;
                default:
                    throw new FhirInputException(IssueType.Value,
                        $"Search parameter 'code': system '{system}' is not supported; use {FhirSystems.Loinc}, {FhirSystems.Fsli} or {FhirSystems.CatalogCode}.", "code");
            }
        }
        return codes;
    }

    private static readonly HashSet<string> Sections = ["hematology", "chemistry", "coagulation", "molecular"];

    /// <summary>Observation <c>category</c>: <c>laboratory</c> (everything here) or a catalog section; other observation-category codes match nothing.</summary>
    private static string? ObservationCategory(SearchRequest search, out bool matchesNothing)
    {
        matchesNothing = false;
        var tokens = search.Tokens("category");
        if (tokens.Count == 0) return null;
        if (tokens.Count > 1) throw new FhirInputException(IssueType.NotSupported, "Search parameter 'category' takes one code.", "category");
        var (system, code) = tokens[0];
        if (system is not null and not FhirSystems.ObservationCategory and not FhirSystems.CatalogCode)
            throw new FhirInputException(IssueType.Value, $"Search parameter 'category': system must be {FhirSystems.ObservationCategory}.", "category");
        if (code == FhirSystems.LaboratoryCategory) return code;
        if (Sections.Contains(code)) return code;
        matchesNothing = true;
        return null;
    }

    private static ApiCaller Authorize(HttpContext http, string resourceType)
    {
        var caller = ApiCaller.From(http);
        ScopeRequiredException.ThrowUnlessAllowed(caller, resourceType, "read");
        return caller;
    }

    private static async Task<IResult> Answer(
        HttpContext http, SearchRequest search, ApiCaller caller, AuditTrail audit, string type, IReadOnlyList<Resource> resources,
        IEnumerable<string> patientIds, string? nextCursor, string? currentCursor)
    {
        await audit.RecordSearchAsync(http, caller, type, patientIds, StatusCodes.Status200OK);
        return new FhirResult(SearchSetBuilder.Build(http.Request, search.Applied, resources, nextCursor, firstPage: currentCursor is null));
    }
}

/// <summary>An opaque cursor for lists the store returns whole (DiagnosticReports): the offset, base64url.</summary>
internal static class OffsetCursor
{
    public static string Format(int offset) =>
        Convert.ToBase64String(System.Text.Encoding.ASCII.GetBytes("o" + offset.ToString(CultureInfo.InvariantCulture))).TrimEnd('=');

    public static int Parse(string? cursor)
    {
        if (cursor is null) return 0;
        try
        {
            var padded = cursor + new string('=', (4 - cursor.Length % 4) % 4);
            var text = System.Text.Encoding.ASCII.GetString(Convert.FromBase64String(padded));
            if (text.StartsWith('o') && int.TryParse(text.AsSpan(1), NumberStyles.None, CultureInfo.InvariantCulture, out var offset)) return offset;
        }
        catch (FormatException)
        {
        }
        throw new FhirInputException(IssueType.Value, "The paging cursor is not valid; follow Bundle.link[next] as given.", SearchRequest.CursorParameter);
    }
}
