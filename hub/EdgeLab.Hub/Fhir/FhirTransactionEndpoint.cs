using EdgeLab.Hub.Audit;
using EdgeLab.Hub.Auth;
using EdgeLab.Hub.Catalog;
using EdgeLab.Hub.Fhir.Mapping;
using EdgeLab.Hub.Fhir.Resources;
using EdgeLab.Hub.Referrals;

namespace EdgeLab.Hub.Fhir;

/// <summary>
/// <c>POST [base]</c> with a transaction Bundle (R4 §3.1.0.11): one Patient and one or more ServiceRequests, all
/// <c>request.method = POST</c>, the ServiceRequests' subject pointing at the Patient entry's fullUrl and all naming
/// the same performing lab — they become one referral. The whole Bundle succeeds or fails (§3.1.0.11.2): on
/// success a transaction-response Bundle answers with the Patient and ServiceRequests in request order, followed by
/// one entry per issued Specimen (its barcode in identifier and accessionIdentifier).
/// </summary>
internal static class FhirTransactionEndpoint
{
    public const int MaxBodyBytes = 1 << 20;

    public static void Map(RouteGroupBuilder fhir) =>
        fhir.MapPost("/", Post).WithMetadata(new Microsoft.AspNetCore.Mvc.RequestSizeLimitAttribute(MaxBodyBytes));

    private static async Task<IResult> Post(HttpContext http, IReferralService referrals, ITestCatalog catalog, AuditTrail audit, ILogger<FhirResult> logger)
    {
        var caller = ApiCaller.From(http);
        ScopeRequiredException.ThrowUnlessAllowed(caller, "ServiceRequest", "write");
        ScopeRequiredException.ThrowUnlessAllowed(caller, "Patient", "write");
        var body = await ReadBodyAsync(http);
        if (FhirJson.Deserialize(body) is not Bundle bundle)
            throw new FhirInputException(IssueType.NotSupported, "POST [base] takes a Bundle of type 'transaction'.", "Bundle");
        if (bundle.Type != "transaction")
            throw new FhirInputException(IssueType.NotSupported, $"Bundle.type '{bundle.Type}' is not supported here; send a 'transaction'.", "Bundle.type");

        var request = TransactionReader.Read(bundle, catalog, out var order);
        var result = await referrals.RegisterAsync(caller.OrganizationId, request, http.RequestAborted);
        if (result.Held is { } held)
        {
            // Nothing of the Bundle was registered (§3.1.0.11.2 all or nothing): 202 and where the held item is.
            await audit.RecordAsync(http, caller, "hold", "IdentityConflict", held.ConflictId.ToString(System.Globalization.CultureInfo.InvariantCulture), null, StatusCodes.Status202Accepted);
            Api.IdentityLog.Held(logger, held.ConflictId, caller.ClientId);
            return Api.IdentityConflictEndpoints.HeldOutcome(held);
        }
        if (!result.Succeeded)
        {
            await audit.RecordAsync(http, caller, "create", "Bundle", null, null, StatusCodes.Status422UnprocessableEntity);
            return Api.ReferralEndpoints.ValidationOutcome(result.Errors, TransactionReader.FhirPath);
        }

        var registered = result.Registered!;
        var created = registered.AlreadyExisted ? "200 OK" : "201 Created";
        await audit.RecordAsync(http, caller, "create", "Bundle", registered.Referral.Id, registered.Patient.Id,
            registered.AlreadyExisted ? StatusCodes.Status200OK : StatusCodes.Status201Created);
        FhirLog.ReferralRegistered(logger, registered.Referral.Id, caller.ClientId, registered.Specimens.Count);

        var baseUrl = SearchSetBuilder.BaseUrl(http.Request);
        var serviceRequests = ServiceRequestMapper.ToFhir(registered.Referral, registered.Specimens, catalog).ToList();
        var entries = new List<BundleEntry>();
        foreach (var (kind, testCode) in order)
        {
            Resource? resource = kind == "Patient"
                ? PatientMapper.ToFhir(registered.Patient)
                : serviceRequests.FirstOrDefault(sr => sr.Id!.EndsWith("." + testCode, StringComparison.OrdinalIgnoreCase));
            if (resource is not null) entries.Add(Entry(baseUrl, resource, created));
        }
        entries.AddRange(registered.Specimens.Select(s => Entry(baseUrl, SpecimenMapper.ToFhir(s), created)));
        var response = new Bundle
        {
            Id = Guid.NewGuid().ToString("n"),
            Type = "transaction-response",
            Timestamp = FhirDates.Instant(DateTimeOffset.UtcNow),
            Entry = entries,
        };
        return new FhirResult(response, StatusCodes.Status200OK);
    }

    private static BundleEntry Entry(string baseUrl, Resource resource, string status) => new()
    {
        FullUrl = $"{baseUrl}/{resource.ResourceType}/{resource.Id}",
        Resource = resource,
        Response = new BundleEntryResponse
        {
            Status = status,
            Location = $"{resource.ResourceType}/{resource.Id}",
            LastModified = resource.Meta?.LastUpdated,
        },
    };

    private static async Task<byte[]> ReadBodyAsync(HttpContext http)
    {
        var type = http.Request.ContentType;
        if (type is not null && !type.Contains("json", StringComparison.OrdinalIgnoreCase))
            throw new FhirInputException(IssueType.NotSupported, $"Send {FhirJson.MediaType}, not '{type}'.", status: StatusCodes.Status415UnsupportedMediaType);
        using var buffer = new MemoryStream();
        await http.Request.Body.CopyToAsync(buffer, http.RequestAborted);
        if (buffer.Length == 0) throw new FhirInputException(IssueType.Required, "The body is empty; send a transaction Bundle.", "Bundle");
        return buffer.ToArray();
    }
}
