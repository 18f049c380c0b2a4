using System.Text.Json.Serialization;
using EdgeLab.Hub.Audit;
using EdgeLab.Hub.Auth;
using EdgeLab.Hub.Domain;
using EdgeLab.Hub.Fhir;
using EdgeLab.Hub.Store;

namespace EdgeLab.Hub.Api;

/// <summary>
/// The send-out workflow (issue 15 §1) as plain JSON: the sending lab sends tests out (<c>POST /api/transfers</c>),
/// opens a box, scans tubes into it and dispatches it; the receiving lab receives (a gateway's tube scan does the same)
/// or rejects with a reason; both list Tasks and the sender its overdue alerts. Scopes <c>system/Task.*</c> and
/// <c>system/SupplyDelivery.*</c>; every call is audited; a refusal is 422 naming the field.
/// </summary>
internal static class TransferEndpoints
{
    public static void Map(RouteGroupBuilder api)
    {
        api.MapPost("/transfers", SendOut);
        api.MapGet("/transfers", Search);
        api.MapPost("/transfers/{id}/reject", Reject);
        api.MapGet("/transfers/alerts", Alerts);
        api.MapPost("/boxes", OpenBox);
        api.MapPost("/boxes/{id}/tubes", AddTube);
        api.MapPost("/boxes/{id}/dispatch", Dispatch);
        api.MapGet("/boxes/{id}/manifest", Manifest);
        api.MapPost("/receipts", Receive);
    }

    private static async Task<IResult> SendOut(HttpContext http, TransferStore store, AuditTrail audit)
    {
        var caller = Allowed(http, "Task", "write");
        var body = await ApiJson.ReadAsync(http.Request, TransferJson.Default.SendOutBody);
        var sent = await Run(http, caller, audit, "create", "Task", body.SpecimenId, () =>
            store.SendOutAsync(caller.Scope, new SendOutRequest(body.SpecimenId ?? "", body.TestCodes ?? [], body.ToLabId ?? "", body.Aliquot ?? false), http.RequestAborted));
        await audit.RecordAsync(http, caller, "create", "Task", string.Join(',', sent.Tasks.Select(t => t.Id)), sent.Tasks.FirstOrDefault()?.PatientId, StatusCodes.Status201Created);
        return Results.Json(new SendOutResponse(sent.Tasks.Select(Item).ToList(), sent.Aliquot?.Id, sent.Aliquot?.ParentId), TransferJson.Default.SendOutResponse, statusCode: StatusCodes.Status201Created);
    }

    private static async Task<IResult> Search(HttpContext http, TransferStore store, AuditTrail audit)
    {
        var caller = Allowed(http, "Task", "read");
        var q = http.Request.Query;
        TransferStatus? status = null;
        if (q.TryGetValue("status", out var s))
            status = TransferStatusText.TryParse(s.ToString(), out var parsed) ? parsed : throw FhirInputException.Unprocessable("status must be a FHIR Task status: requested, accepted, in-progress, completed, rejected, failed, cancelled.", "status");
        var tasks = await store.SearchAsync(caller.Scope, new TransferQuery
        {
            OwnerLabId = q.TryGetValue("owner", out var o) ? Text(o.ToString(), "owner") : null,
            RequesterLabId = q.TryGetValue("requester", out var r) ? Text(r.ToString(), "requester") : null,
            Status = status,
        }, http.RequestAborted);
        await audit.RecordAsync(http, caller, "search", "Task", null, null, StatusCodes.Status200OK);
        return Results.Json(new TaskList(tasks.Select(Item).ToList()), TransferJson.Default.TaskList);
    }

    private static async Task<IResult> Reject(HttpContext http, string id, TransferStore store, AuditTrail audit)
    {
        var caller = Allowed(http, "Task", "write");
        var body = await ApiJson.ReadAsync(http.Request, TransferJson.Default.RejectBody);
        var tasks = await Run(http, caller, audit, "reject", "Task", id, () => store.RejectAsync(caller.Scope, id, body.Reason ?? "", http.RequestAborted));
        await audit.RecordAsync(http, caller, "reject", "Task", id, tasks.FirstOrDefault()?.PatientId, StatusCodes.Status200OK);
        return Results.Json(new TaskList(tasks.Select(Item).ToList()), TransferJson.Default.TaskList);
    }

    private static async Task<IResult> Alerts(HttpContext http, TransferStore store, AuditTrail audit)
    {
        var caller = Allowed(http, "Task", "read");
        var alerts = await store.ListAlertsAsync(caller.Scope, http.RequestAborted);
        await audit.RecordAsync(http, caller, "search", "TransferAlert", null, null, StatusCodes.Status200OK);
        return Results.Json(alerts.Select(a => new AlertItem(a.Id, TransferStatusText.AlertOf(a.Kind), a.SubjectId, a.Detail, a.RaisedAt)).ToList(), TransferJson.Default.ListAlertItem);
    }

    private static async Task<IResult> OpenBox(HttpContext http, TransferStore store, AuditTrail audit)
    {
        var caller = Allowed(http, "SupplyDelivery", "write");
        var body = await ApiJson.ReadAsync(http.Request, TransferJson.Default.BoxBody);
        if (!Enum.TryParse<TemperatureClass>(body.Temperature, ignoreCase: true, out var temperature) || int.TryParse(body.Temperature, out _))
            throw FhirInputException.Unprocessable("temperature must be ambient, refrigerated or frozen.", "temperature");
        var box = await Run(http, caller, audit, "create", "SupplyDelivery", null, () =>
            store.OpenBoxAsync(caller.Scope, new NewShipmentBox(body.Barcode ?? "", body.ToLabId ?? "", body.Capacity ?? 0, temperature), http.RequestAborted));
        await audit.RecordAsync(http, caller, "create", "SupplyDelivery", box.Id, null, StatusCodes.Status201Created);
        return Results.Json(BoxItem(box, []), TransferJson.Default.BoxView, statusCode: StatusCodes.Status201Created);
    }

    private static async Task<IResult> AddTube(HttpContext http, string id, TransferStore store, AuditTrail audit)
    {
        var caller = Allowed(http, "SupplyDelivery", "write");
        var body = await ApiJson.ReadAsync(http.Request, TransferJson.Default.ScanBody);
        var tasks = await Run(http, caller, audit, "update", "SupplyDelivery", id, () => store.AddToBoxAsync(caller.Scope, id, body.Barcode ?? "", http.RequestAborted));
        await audit.RecordAsync(http, caller, "update", "SupplyDelivery", id, tasks.FirstOrDefault()?.PatientId, StatusCodes.Status200OK);
        return Results.Json(new TaskList(tasks.Select(Item).ToList()), TransferJson.Default.TaskList);
    }

    private static async Task<IResult> Dispatch(HttpContext http, string id, TransferStore store, AuditTrail audit)
    {
        var caller = Allowed(http, "SupplyDelivery", "write");
        var box = await Run(http, caller, audit, "dispatch", "SupplyDelivery", id, () => store.DispatchAsync(caller.Scope, id, http.RequestAborted));
        await audit.RecordAsync(http, caller, "dispatch", "SupplyDelivery", id, null, StatusCodes.Status200OK);
        return Results.Json(BoxItem(box, await store.BoxContentsAsync(id, http.RequestAborted)), TransferJson.Default.BoxView);
    }

    /// <summary>The machine-readable manifest: the box and every tube and test in it (no patient names: barcodes and codes).</summary>
    private static async Task<IResult> Manifest(HttpContext http, string id, TransferStore store, AuditTrail audit)
    {
        var caller = Allowed(http, "SupplyDelivery", "read");
        var box = await store.GetBoxAsync(caller.Scope, id, http.RequestAborted);
        await audit.RecordAsync(http, caller, "read", "SupplyDelivery", id, null, box is null ? StatusCodes.Status404NotFound : StatusCodes.Status200OK);
        return box is null ? Results.NotFound() : Results.Json(BoxItem(box, await store.BoxContentsAsync(id, http.RequestAborted)), TransferJson.Default.BoxView);
    }

    private static async Task<IResult> Receive(HttpContext http, TransferStore store, AuditTrail audit)
    {
        var caller = Allowed(http, "SupplyDelivery", "write");
        var body = await ApiJson.ReadAsync(http.Request, TransferJson.Default.ScanBody);
        var receipt = await Run(http, caller, audit, "receive", "SupplyDelivery", body.Barcode, () =>
            store.ReceiveAsync(caller.Scope, body.Barcode ?? "", body.Condition, caller.ClientId, http.RequestAborted));
        await audit.RecordAsync(http, caller, "receive", "SupplyDelivery", receipt.BoxId ?? body.Barcode, null, StatusCodes.Status200OK);
        return Results.Json(new ReceiptView(receipt.BoxId, receipt.AcceptedTaskIds), TransferJson.Default.ReceiptView);
    }

    private static ApiCaller Allowed(HttpContext http, string type, string access)
    {
        var caller = ApiCaller.From(http);
        ScopeRequiredException.ThrowUnlessAllowed(caller, type, access);
        return caller;
    }

    /// <summary>A refusal is audited (422) and answered with the store's message naming the field.</summary>
    private static async Task<T> Run<T>(HttpContext http, ApiCaller caller, AuditTrail audit, string action, string type, string? id, Func<Task<T>> call)
    {
        try
        {
            return await call();
        }
        catch (StoreValidationException e)
        {
            await audit.RecordAsync(http, caller, action, type, id, null, StatusCodes.Status422UnprocessableEntity);
            throw FhirInputException.Unprocessable(e.Message, e.Message.Split(':')[0]);
        }
    }

    private static string Text(string value, string field) =>
        FreeText.Problem(value) is { } problem ? throw FhirInputException.Unprocessable($"{field} {problem}.", field) : value;

    private static TaskItem Item(TransferTask t) => new(t.Id, TransferStatusText.Of(t.Status), t.StatusReason, t.ReferralId, t.TestCode, t.SpecimenId, t.SourceSpecimenId,
        t.RequesterLabId, t.OwnerLabId, t.BoxId, t.ReceivedAt, t.ResultsDueAt, t.CompletedAt);

    private static BoxView BoxItem(ShipmentBox b, IReadOnlyList<TransferTask> contents) => new(b.Id, b.Barcode, b.FromLabId, b.ToLabId, b.Capacity,
        b.Temperature.ToString().ToLowerInvariant(), TransferStatusText.BoxOf(b.Status), b.Condition, ContainerCondition.Display(b.Condition), b.DispatchedAt, b.ReceiveDueAt, b.ReceivedAt,
        contents.GroupBy(t => t.SpecimenId).Select(g => new BoxTube(g.Key, g.Select(t => t.TestCode).ToList())).ToList());
}

internal sealed record SendOutBody(string? SpecimenId, IReadOnlyList<string>? TestCodes, string? ToLabId, bool? Aliquot);
internal sealed record SendOutResponse(IReadOnlyList<TaskItem> Tasks, string? AliquotId, string? ParentSpecimenId);
internal sealed record RejectBody(string? Reason);
internal sealed record BoxBody(string? Barcode, string? ToLabId, int? Capacity, string? Temperature);
internal sealed record ScanBody(string? Barcode, string? Condition);
internal sealed record TaskItem(string Id, string Status, string? StatusReason, string ReferralId, string TestCode, string SpecimenId, string SourceSpecimenId,
    string RequesterLabId, string OwnerLabId, string? BoxId, DateTimeOffset? ReceivedAt, DateTimeOffset? ResultsDueAt, DateTimeOffset? CompletedAt);
internal sealed record TaskList(IReadOnlyList<TaskItem> Items);
internal sealed record AlertItem(string Id, string Kind, string SubjectId, string Detail, DateTimeOffset RaisedAt);
internal sealed record BoxTube(string SpecimenId, IReadOnlyList<string> TestCodes);
internal sealed record BoxView(string Id, string Barcode, string FromLabId, string ToLabId, int Capacity, string Temperature, string Status, string? Condition, string? ConditionDisplay,
    DateTimeOffset? DispatchedAt, DateTimeOffset? ReceiveDueAt, DateTimeOffset? ReceivedAt, IReadOnlyList<BoxTube> Tubes);
internal sealed record ReceiptView(string? BoxId, IReadOnlyList<string> AcceptedTaskIds);

[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase, DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(SendOutBody))]
[JsonSerializable(typeof(SendOutResponse))]
[JsonSerializable(typeof(RejectBody))]
[JsonSerializable(typeof(BoxBody))]
[JsonSerializable(typeof(ScanBody))]
[JsonSerializable(typeof(TaskList))]
[JsonSerializable(typeof(List<AlertItem>))]
[JsonSerializable(typeof(BoxView))]
[JsonSerializable(typeof(ReceiptView))]
internal sealed partial class TransferJson : JsonSerializerContext;
