using System.Globalization;
using System.Text.Json.Serialization;
using EdgeLab.Hub.Audit;
using EdgeLab.Hub.Auth;
using EdgeLab.Hub.Catalog;
using EdgeLab.Hub.Fhir;
using EdgeLab.Hub.Labels;
using EdgeLab.Hub.Store;
using EdgeLab.Hub.Transfers;

namespace EdgeLab.Hub.Api;

/// <summary>
/// Send-out documents and figures (issue 15 §1): the box manifest as PDF (packed with the box), JSON and CSV (for the
/// receiving LIS), and turnaround per route. Scopes <c>system/SupplyDelivery.read</c> and <c>system/Task.read</c>; a
/// manifest read is audited once per patient whose initials it shows.
/// </summary>
internal static class TransferReportEndpoints
{
    public static void Map(RouteGroupBuilder api)
    {
        api.MapGet("/transfers/boxes/{id}/manifest.pdf", ManifestPdf);
        api.MapGet("/transfers/boxes/{id}/manifest.json", ManifestJson);
        api.MapGet("/transfers/boxes/{id}/manifest.csv", ManifestCsv);
        api.MapGet("/transfers/turnaround", Turnaround);
    }

    private static async Task<IResult> ManifestPdf(HttpContext http, string id, TransferStore transfers, IClinicalStore clinical, IDirectoryStore directory, ITestCatalog catalog, LabelFont font, AuditTrail audit, TimeProvider time)
    {
        var manifest = await ReadAsync(http, id, transfers, clinical, directory, catalog, audit);
        return manifest is null ? NotFound(id)
            : Results.File(new BoxManifestPdf(font).Write(manifest, time.GetUtcNow()), "application/pdf", $"manifest-{manifest.Barcode}.pdf");
    }

    private static async Task<IResult> ManifestJson(HttpContext http, string id, TransferStore transfers, IClinicalStore clinical, IDirectoryStore directory, ITestCatalog catalog, AuditTrail audit)
    {
        var manifest = await ReadAsync(http, id, transfers, clinical, directory, catalog, audit);
        return manifest is null ? NotFound(id) : Results.Json(manifest, TransferReportJson.Default.BoxManifest);
    }

    private static async Task<IResult> ManifestCsv(HttpContext http, string id, TransferStore transfers, IClinicalStore clinical, IDirectoryStore directory, ITestCatalog catalog, AuditTrail audit)
    {
        var manifest = await ReadAsync(http, id, transfers, clinical, directory, catalog, audit);
        return manifest is null ? NotFound(id) : Results.Text(manifest.ToCsv(), "text/csv; charset=utf-8");
    }

    /// <summary><c>?from=YYYY-MM-DD&amp;to=YYYY-MM-DD</c> (dispatch day, UTC, to inclusive; default the last 30 days): p50/p90 per route in hours.</summary>
    private static async Task<IResult> Turnaround(HttpContext http, TransferStore transfers, AuditTrail audit, TimeProvider time)
    {
        var caller = Allowed(http, "Task");
        var (from, to) = Range(http.Request.Query["from"], http.Request.Query["to"], time.GetUtcNow());
        var routes = TransferTurnaround.Compute(await transfers.Reader.MilestonesAsync(caller.Scope, from, to, http.RequestAborted));
        await audit.RecordAsync(http, caller, "search", "TransferTurnaround", null, null, StatusCodes.Status200OK);
        return Results.Json(new TurnaroundView(from, to, routes.Select(View).ToList()), TransferReportJson.Default.TurnaroundView);
    }

    /// <summary>The report's date range: whole UTC days, <c>to</c> inclusive; at most a year, so one request stays one query's worth.</summary>
    internal static (DateTimeOffset From, DateTimeOffset To) Range(string? fromText, string? toText, DateTimeOffset now)
    {
        var today = DateOnly.FromDateTime(now.UtcDateTime);
        var to = string.IsNullOrEmpty(toText) ? today : Day(toText, "to");
        var from = string.IsNullOrEmpty(fromText) ? to.AddDays(-29) : Day(fromText, "from");
        if (from > to) throw FhirInputException.Unprocessable($"from: {from:yyyy-MM-dd} is after to ({to:yyyy-MM-dd})", "from");
        if (to.DayNumber - from.DayNumber > 366) throw FhirInputException.Unprocessable("from: the range is longer than a year; ask for a shorter one", "from");
        return (new DateTimeOffset(from.ToDateTime(TimeOnly.MinValue), TimeSpan.Zero), new DateTimeOffset(to.AddDays(1).ToDateTime(TimeOnly.MinValue), TimeSpan.Zero));
    }

    private static DateOnly Day(string text, string field) =>
        DateOnly.TryParseExact(text, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var day) ? day
            : throw FhirInputException.Unprocessable($"{field}: '{(text.Length > 20 ? text[..20] + "…" : text)}' is not a date YYYY-MM-DD", field);

    internal static RouteView View(RouteTurnaround r) => new(r.Route.FromLabId, r.Route.ToLabId, r.Route.TestCode, r.Tasks, Leg(r.Transit), Leg(r.Processing), Leg(r.Total));

    private static LegView Leg(TurnaroundLeg leg) => new(leg.Count, leg.P50?.TotalHours, leg.P90?.TotalHours);

    private static async Task<BoxManifest?> ReadAsync(HttpContext http, string id, TransferStore transfers, IClinicalStore clinical, IDirectoryStore directory, ITestCatalog catalog, AuditTrail audit)
    {
        var caller = ApiCaller.From(http);
        ScopeRequiredException.ThrowUnlessAllowed(caller, "SupplyDelivery", "read");
        var manifest = ResourceIds.IsValid(id) ? await BoxManifest.BuildAsync(caller.Scope, id, transfers, clinical, directory, catalog, http.RequestAborted) : null;
        var shown = id.Length > 64 ? id[..64] : id;
        if (manifest is null || manifest.PatientIds.Count == 0)
            await audit.RecordAsync(http, caller, "read", "SupplyDelivery", shown, null, manifest is null ? StatusCodes.Status404NotFound : StatusCodes.Status200OK);
        else
            foreach (var patient in manifest.PatientIds) await audit.RecordAsync(http, caller, "read", "SupplyDelivery", shown, patient, StatusCodes.Status200OK);
        return manifest;
    }

    private static IResult NotFound(string id) => FhirResult.NotFound("SupplyDelivery", id.Length > 64 ? id[..64] + "…" : id);

    private static ApiCaller Allowed(HttpContext http, string type)
    {
        var caller = ApiCaller.From(http);
        ScopeRequiredException.ThrowUnlessAllowed(caller, type, "read");
        return caller;
    }
}

internal sealed record LegView(int Count, double? P50Hours, double? P90Hours);
internal sealed record RouteView(string FromLabId, string ToLabId, string TestCode, int Tasks, LegView DispatchToReceived, LegView ReceivedToResult, LegView Total);
internal sealed record TurnaroundView(DateTimeOffset From, DateTimeOffset To, IReadOnlyList<RouteView> Routes);

[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase, DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(BoxManifest))]
[JsonSerializable(typeof(TurnaroundView))]
internal sealed partial class TransferReportJson : JsonSerializerContext;
