using System.Globalization;
using System.Text.Json.Serialization;
using EdgeLab.Hub.Archive;
using EdgeLab.Hub.Audit;
using EdgeLab.Hub.Auth;
using EdgeLab.Hub.Domain;
using EdgeLab.Hub.Fhir;
using EdgeLab.Hub.Fhir.Resources;
using EdgeLab.Hub.Store;

namespace EdgeLab.Hub.Api;

/// <summary>
/// The paper card archive's plain API (issue 15 §2, README "The paper card archive"): retrieval requests and their
/// steps, scanned pages upload and download, the queue of cards waiting for an identity decision. Writes need the
/// <c>archive.write</c> scope; every call is audited. Its own group: an upload is <c>application/pdf</c>, not JSON.
/// </summary>
internal static class ArchiveEndpoints
{
    public static void Map(RouteGroupBuilder archive)
    {
        archive.MapPost("/retrievals", Request);
        archive.MapPost("/retrievals/{id}/{step}", Advance);
        archive.MapGet("/retrievals", List);
        archive.MapPost("/cards/{card}/documents", Upload);
        archive.MapGet("/documents/{id}/content.pdf", Download);
        archive.MapGet("/queue", Queue);
        archive.MapPost("/queue/{card}/attach", Attach);
    }

    private static ApiCaller Writer(HttpContext http)
    {
        var caller = ApiCaller.From(http);
        ScopeRequiredException.ThrowUnlessHas(caller, ApiScopes.ArchiveWrite);
        return caller;
    }

    private static async Task<T> ReadJsonAsync<T>(HttpRequest request, System.Text.Json.Serialization.Metadata.JsonTypeInfo<T> type)
    {
        if (JsonContentTypeFilter.Problem(request.ContentType) is { } problem)
            throw new FhirInputException(IssueType.NotSupported, problem, "Content-Type", StatusCodes.Status415UnsupportedMediaType);
        try
        {
            return await System.Text.Json.JsonSerializer.DeserializeAsync(request.Body, type, request.HttpContext.RequestAborted)
                ?? throw new FhirInputException(IssueType.Structure, "The body is JSON null.");
        }
        catch (System.Text.Json.JsonException e)
        {
            throw new FhirInputException(IssueType.Structure, "The body is not valid JSON: " + e.Message.Split(" Path:")[0], e.Path);
        }
    }

    private static async Task<IResult> Request(HttpContext http, IArchiveStore store, AuditTrail audit, TimeProvider time)
    {
        var caller = Writer(http);
        var body = await ReadJsonAsync(http.Request, ArchiveJson.Default.RetrievalRequest);
        if (string.IsNullOrWhiteSpace(body.CardNumber)) throw new FhirInputException(IssueType.Required, "cardNumber: missing", "cardNumber");
        if (string.IsNullOrWhiteSpace(body.RequestedBy)) throw new FhirInputException(IssueType.Required, "requestedBy: missing (the doctor's name)", "requestedBy");
        var card = await store.GetCardAsync(caller.Scope, body.CardNumber, http.RequestAborted);
        if (card is null)
        {
            await audit.RecordAsync(http, caller, "create", "CardRetrieval", body.CardNumber, null, 422);
            throw new FhirInputException(IssueType.NotFound, $"cardNumber: no paper card '{body.CardNumber}' visible to this organization", "cardNumber", StatusCodes.Status422UnprocessableEntity);
        }
        var deliverBy = body.DeliverBy ?? time.GetUtcNow().AddDays(1);
        var retrieval = await store.RequestRetrievalAsync(card.CardNumber, caller.OrganizationId, body.RequestedBy.Trim(), deliverBy, http.RequestAborted);
        await audit.RecordAsync(http, caller, "create", "CardRetrieval", retrieval.Id, card.PatientId, 201);
        return Results.Json(ArchiveDto.Of(retrieval), ArchiveJson.Default.RetrievalDto, statusCode: 201);
    }

    private static async Task<IResult> Advance(string id, string step, HttpContext http, IArchiveStore store, AuditTrail audit)
    {
        var caller = Writer(http);
        RetrievalStatus? to = step switch { "retrieved" => RetrievalStatus.Retrieved, "delivered" => RetrievalStatus.Delivered, "returned" => RetrievalStatus.Returned, _ => null };
        if (to is null) throw new FhirInputException(IssueType.Value, $"step: '{step}' is not retrieved, delivered or returned", "step");
        DateTimeOffset? returnBy = null;
        if (JsonContentTypeFilter.HasBody(http.Request) && http.Request.ContentLength != 0)
            returnBy = (await ReadJsonAsync(http.Request, ArchiveJson.Default.StepRequest)).ReturnBy;
        if (to == RetrievalStatus.Delivered) returnBy ??= TimeProvider.System.GetUtcNow().AddDays(14);
        var moved = await store.AdvanceRetrievalAsync(caller.Scope, id, to.Value, returnBy, http.RequestAborted);
        await audit.RecordAsync(http, caller, step, "CardRetrieval", id.Length > 64 ? id[..64] : id, null, moved is null ? 409 : 200);
        if (moved is null)
            throw new FhirInputException(IssueType.Conflict, $"retrieval '{id}': not found, or '{step}' is not its next step (requested → retrieved → delivered → returned)", "step", StatusCodes.Status409Conflict);
        return Results.Json(ArchiveDto.Of(moved), ArchiveJson.Default.RetrievalDto);
    }

    private static async Task<IResult> List(HttpContext http, IArchiveStore store, AuditTrail audit, bool? overdue, int? count)
    {
        var caller = ApiCaller.From(http);
        var list = await store.ListRetrievalsAsync(caller.Scope, overdue == true, count ?? 100, http.RequestAborted);
        await audit.RecordAsync(http, caller, "search", "CardRetrieval", overdue == true ? "overdue=true" : null, null, 200);
        return Results.Json(list.Select(ArchiveDto.Of).ToList(), ArchiveJson.Default.ListRetrievalDto);
    }

    private static async Task<IResult> Upload(string card, HttpContext http, IArchiveStore store, AuditTrail audit, TimeProvider time, string? category, DateTimeOffset? scannedAt)
    {
        var caller = Writer(http);
        if (!string.Equals(http.Request.ContentType, "application/pdf", StringComparison.OrdinalIgnoreCase))
            throw new FhirInputException(IssueType.NotSupported, "Content-Type: send the scanned pages as application/pdf", "Content-Type", StatusCodes.Status415UnsupportedMediaType);
        category ??= "outpatient-card";
        if (!ScannedDocument.Categories.Contains(category))
            throw new FhirInputException(IssueType.Value, $"category: '{category}' is not one of {string.Join(", ", ScannedDocument.Categories)}", "category");
        var paperCard = await store.GetCardAsync(caller.Scope, card, http.RequestAborted)
            ?? throw new FhirInputException(IssueType.NotFound, $"card: no paper card '{card}' visible to this organization", "card", StatusCodes.Status422UnprocessableEntity);
        using var buffer = new MemoryStream();
        await http.Request.Body.CopyToAsync(buffer, http.RequestAborted);
        if (buffer.Length > ScannedPdf.MaxBytes)
            throw new FhirInputException(IssueType.TooCostly, $"body: larger than {ScannedPdf.MaxBytes / 1048576} MiB", "body", StatusCodes.Status413PayloadTooLarge);
        var content = buffer.ToArray();
        var measured = ScannedPdf.Measure(content, out var problem)
            ?? throw new FhirInputException(IssueType.Invalid, "body: " + problem, "body", StatusCodes.Status422UnprocessableEntity);
        var document = await store.AddDocumentAsync(new ScannedDocument
        {
            Id = HubId.New(),
            CardNumber = paperCard.CardNumber,
            PatientId = paperCard.PatientId,
            Category = category,
            Sha256 = measured.Sha256,
            PageCount = measured.Pages,
            Size = content.LongLength,
            ScannedAt = scannedAt ?? time.GetUtcNow(),
        }, content, http.RequestAborted);
        await audit.RecordAsync(http, caller, "create", "DocumentReference", document.Id, document.PatientId, 201);
        var fhir = $"{ArchiveFhirEndpoints.ServerBase(http.Request)}/fhir/DocumentReference/{document.Id}";
        return Results.Json(new DocumentDto(document.Id, document.Sha256, document.PageCount, fhir), ArchiveJson.Default.DocumentDto, statusCode: 201);
    }

    private static async Task<IResult> Download(string id, HttpContext http, IArchiveStore store, AuditTrail audit)
    {
        var caller = ApiCaller.From(http);
        ScopeRequiredException.ThrowUnlessAllowed(caller, "DocumentReference", "read");
        var document = await store.GetDocumentAsync(caller.Scope, id, http.RequestAborted);
        var content = document is null ? null : await store.GetDocumentContentAsync(caller.Scope, id, http.RequestAborted);
        await audit.RecordAsync(http, caller, "read", "DocumentReference", id.Length > 64 ? id[..64] : id, document?.PatientId, content is null ? 404 : 200);
        return content is null ? FhirResult.NotFound("DocumentReference", id.Length > 64 ? id[..64] : id) : Results.File(content, "application/pdf", document!.CardNumber + ".pdf");
    }

    private static async Task<IResult> Queue(HttpContext http, IArchiveStore store, AuditTrail audit, int? count, string? cursor)
    {
        var caller = Writer(http);
        var page = await store.ListQueuedCardsAsync(caller.Scope, count ?? 100, cursor, http.RequestAborted);
        await audit.RecordAsync(http, caller, "search", "PaperCard", "queue", null, 200);
        return Results.Json(new QueueDto(page.Items.Select(c => new QueuedCardDto(c.CardNumber, c.Polyclinic,
            c.QueueReason switch { CardQueueReason.IdentityMismatch => "identity-mismatch", CardQueueReason.Ambiguous => "ambiguous", _ => "no-patient" }, c.Demographics.Snils, c.Demographics.OmsPolicy)).ToList(), page.NextCursor), ArchiveJson.Default.QueueDto);
    }

    private static async Task<IResult> Attach(string card, HttpContext http, IArchiveStore store, AuditTrail audit)
    {
        var caller = Writer(http);
        var body = await ReadJsonAsync(http.Request, ArchiveJson.Default.AttachRequest);
        var attached = !string.IsNullOrWhiteSpace(body.PatientId) && await store.AttachQueuedCardAsync(caller.Scope, card, body.PatientId, http.RequestAborted);
        await audit.RecordAsync(http, caller, "attach", "PaperCard", card.Length > 64 ? card[..64] : card, attached ? body.PatientId : null, attached ? 200 : 422);
        if (!attached)
            throw new FhirInputException(IssueType.NotFound, $"card '{card}' is not waiting in the queue for this organization, or patientId is unknown", "patientId", StatusCodes.Status422UnprocessableEntity);
        return Results.Json(new AttachRequest { PatientId = body.PatientId }, ArchiveJson.Default.AttachRequest);
    }
}

internal sealed record RetrievalRequest
{
    public string CardNumber { get; init; } = "";
    public string RequestedBy { get; init; } = "";
    public DateTimeOffset? DeliverBy { get; init; }
}

internal sealed record StepRequest
{
    public DateTimeOffset? ReturnBy { get; init; }
}

internal sealed record AttachRequest
{
    public string PatientId { get; init; } = "";
}

internal sealed record RetrievalDto(string Id, string CardNumber, string Status, string RequestedBy, DateTimeOffset RequestedAt, DateTimeOffset DeliverBy,
    DateTimeOffset? ReturnBy, DateTimeOffset? RetrievedAt, DateTimeOffset? DeliveredAt, DateTimeOffset? ReturnedAt, DateTimeOffset? OverdueAt);

internal sealed record DocumentDto(string Id, string Sha256, int PageCount, string Fhir);

internal sealed record QueuedCardDto(string CardNumber, string Polyclinic, string Reason, string? Snils, string? Oms);

internal sealed record QueueDto(List<QueuedCardDto> Cards, string? NextCursor);

internal static class ArchiveDto
{
    public static RetrievalDto Of(CardRetrieval r) =>
        new(r.Id, r.CardNumber, StoreEncoding.Enum(r.Status), r.RequestedBy, r.RequestedAt, r.DeliverBy, r.ReturnBy, r.RetrievedAt, r.DeliveredAt, r.ReturnedAt, r.OverdueAt);
}

[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase, DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(RetrievalRequest))]
[JsonSerializable(typeof(StepRequest))]
[JsonSerializable(typeof(AttachRequest))]
[JsonSerializable(typeof(RetrievalDto))]
[JsonSerializable(typeof(List<RetrievalDto>))]
[JsonSerializable(typeof(DocumentDto))]
[JsonSerializable(typeof(QueueDto))]
internal sealed partial class ArchiveJson : JsonSerializerContext;
