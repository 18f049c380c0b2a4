using System.Globalization;
using System.Text;
using EdgeLab.Hub.Catalog;
using EdgeLab.Hub.Domain;
using EdgeLab.Hub.Store;

namespace EdgeLab.Hub.Transfers;

/// <summary>One test in a tube of a manifest: the catalog code and its name.</summary>
internal sealed record ManifestTest(string Code, string Name);

/// <summary>
/// One tube of a box. Minimal PHI: the barcode is the identifier the receiving lab works by (it reads the patient through
/// the hub, which granted it access at send-out); initials and birth year are the second identifier a receiving bench
/// checks a tube against (a smudged label, a tube in the wrong box) without putting a name or a full birth date on a
/// paper that travels with a courier and can be lost.
/// </summary>
internal sealed record ManifestTube(string Barcode, string? ParentBarcode, string SpecimenType, string Initials, int BirthYear, IReadOnlyList<ManifestTest> Tests);

/// <summary>A shipment box's manifest (OpenELIS: the shipping manifest): the box, its two labs and every tube with its tests.</summary>
internal sealed record BoxManifest(
    string BoxId, string Barcode, string Temperature, int Capacity, string Status,
    string FromLabId, string FromLabName, string ToLabId, string ToLabName,
    DateTimeOffset? DispatchedAt, DateTimeOffset? ReceivedAt, string? Condition, IReadOnlyList<ManifestTube> Tubes)
{
    /// <summary>The patients whose initials the manifest shows (the audit names each).</summary>
    internal IReadOnlyList<string> PatientIds { get; init; } = [];

    public static async Task<BoxManifest?> BuildAsync(AccessScope scope, string boxId, TransferStore transfers, IClinicalStore clinical, IDirectoryStore directory,
        ITestCatalog catalog, CancellationToken ct)
    {
        var box = await transfers.GetBoxAsync(scope, boxId, ct);
        if (box is null) return null;
        var contents = await transfers.BoxContentsAsync(box.Id, ct);
        var tubes = new List<ManifestTube>();
        foreach (var tube in contents.GroupBy(t => t.SpecimenId).OrderBy(g => g.Key, StringComparer.Ordinal))
        {
            // The box's labs see their tubes' patients (the sender performs the referral; the receiver was granted access at send-out).
            var specimen = await clinical.GetSpecimenAsync(AccessScope.Region, tube.Key, ct);
            var patient = await clinical.GetPatientAsync(AccessScope.Region, tube.First().PatientId, ct);
            tubes.Add(new ManifestTube(
                tube.Key, specimen?.ParentId, specimen?.Type ?? "",
                patient is null ? "?" : Initials(patient), patient?.BirthDate.Year ?? 0,
                tube.Select(t => new ManifestTest(t.TestCode, catalog.Find(t.TestCode)?.Name ?? t.TestCode)).ToList()));
        }
        var from = await directory.GetOrganizationAsync(box.FromLabId, ct);
        var to = await directory.GetOrganizationAsync(box.ToLabId, ct);
        return new BoxManifest(box.Id, box.Barcode, box.Temperature.ToString().ToLowerInvariant(), box.Capacity, TransferStatusText.BoxOf(box.Status),
            box.FromLabId, from?.Name ?? box.FromLabId, box.ToLabId, to?.Name ?? box.ToLabId, box.DispatchedAt, box.ReceivedAt, box.Condition, tubes)
        {
            PatientIds = contents.Select(t => t.PatientId).Distinct().ToList(),
        };
    }

    /// <summary>Family and given name initials, <c>И.М.</c>.</summary>
    public static string Initials(Patient patient) =>
        string.Concat(new[] { patient.FamilyName, patient.GivenName }.Where(n => n.Length > 0).Select(n => char.ToUpperInvariant(n.Trim()[0]) + "."));

    /// <summary>
    /// RFC 4180 CSV, one row per tube and test (UTF-8, CRLF, quoted where needed): the columns a receiving LIS imports.
    /// A cell that starts with = + - @ is prefixed with ' so a spreadsheet does not run it (CSV injection).
    /// </summary>
    public string ToCsv()
    {
        var csv = new StringBuilder("box_barcode,temperature,from_lab,to_lab,tube_barcode,parent_barcode,specimen_type,initials,birth_year,test_code,test_name\r\n");
        foreach (var tube in Tubes)
        {
            foreach (var test in tube.Tests)
            {
                csv.AppendJoin(',', new[]
                {
                    Barcode, Temperature, FromLabId, ToLabId, tube.Barcode, tube.ParentBarcode ?? "", tube.SpecimenType, tube.Initials,
                    tube.BirthYear.ToString(CultureInfo.InvariantCulture), test.Code, test.Name,
                }.Select(Cell)).Append("\r\n");
            }
        }
        return csv.ToString();
    }

    private static string Cell(string value)
    {
        if (value.Length > 0 && value[0] is '=' or '+' or '-' or '@') value = "'" + value;
        return value.IndexOfAny([',', '"', '\r', '\n']) >= 0 ? "\"" + value.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"" : value;
    }
}
