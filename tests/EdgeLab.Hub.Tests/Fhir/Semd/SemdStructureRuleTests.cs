using System.Text.Json.Nodes;
using EdgeLab.Hub.Catalog;
using EdgeLab.Hub.Domain;
using EdgeLab.Hub.Fhir.Semd;

namespace EdgeLab.Hub.Tests.Fhir.Semd;

/// <summary>
/// Each structural rule of the СЭМД (<see cref="SemdRule"/>) on a document the builder made from an in-memory final report
/// (synthetic patient, a blood count and a glucose on two tubes and two analyzers): the document breaks no rule, and each
/// mutation that breaks one rule is caught by that rule.
/// </summary>
public sealed class SemdStructureRuleTests
{
    private static readonly TestCatalog Catalog = CatalogLoader.LoadEmbedded();
    private const string Base = "https://hub.test/fhir";
    private static readonly DateTimeOffset At = new(2026, 11, 21, 8, 30, 0, TimeSpan.Zero);

    [Fact]
    public void The_built_document_breaks_no_rule_and_reports_what_it_could_not_code()
    {
        var document = SemdDocumentBuilder.Build(Source(), Catalog, At.AddHours(2), Base);
        Assert.False(document.HasErrors, string.Join("\n", document.ValidationReport.Issue.Select(i => i.Diagnostics)));
        Assert.Empty(SemdStructureCheck.Check(SemdStructureCheck.ToJson(document.Bundle), Catalog));
        Assert.Contains(document.ValidationReport.Issue, i => i.Severity == "warning" && i.Diagnostics!.Contains("GLU", StringComparison.Ordinal));
    }

    public static TheoryData<string, string> Mutations => new()
    {
        { "type collection", nameof(SemdRule.DocumentBundle) },
        { "no bundle identifier", nameof(SemdRule.DocumentBundle) },
        { "no timestamp", nameof(SemdRule.DocumentBundle) },
        { "repeated fullUrl", nameof(SemdRule.EntryUrls) },
        { "composition last", nameof(SemdRule.CompositionFirst) },
        { "second composition", nameof(SemdRule.CompositionFirst) },
        { "no NSI document kind", nameof(SemdRule.DocumentType) },
        { "no LOINC document type", nameof(SemdRule.DocumentType) },
        { "no guide tag", nameof(SemdRule.DocumentType) },
        { "no document identifier type", nameof(SemdRule.DocumentIdentifier) },
        { "no VITALPARAM section", nameof(SemdRule.RequiredSections) },
        { "RESLAB twice", nameof(SemdRule.RequiredSections) },
        { "empty ANALYSERS section", nameof(SemdRule.RequiredSections) },
        { "author is the patient", nameof(SemdRule.SubjectAuthorCustodian) },
        { "no custodian", nameof(SemdRule.SubjectAuthorCustodian) },
        { "subject outside the document", nameof(SemdRule.ReferencesResolve) },
        { "observation left out of RESLAB", nameof(SemdRule.ResultsInSection) },
        { "specimen left out of SPECIMENS", nameof(SemdRule.MaterialsInSections) },
        { "device left out of ANALYSERS", nameof(SemdRule.MaterialsInSections) },
        { "placeholder ФСЛИ code sent", nameof(SemdRule.VerifiedFsli) },
        { "verified ФСЛИ code dropped", nameof(SemdRule.VerifiedFsli) },
        { "unmapped NSI unit code", nameof(SemdRule.NsiUnits) },
        { "specimen without the guide's identifier", nameof(SemdRule.Identifiers) },
        { "organization identifier without system", nameof(SemdRule.Identifiers) },
    };

    [Theory]
    [MemberData(nameof(Mutations))]
    public void Breaking_a_rule_is_caught_by_that_rule(string mutation, string rule)
    {
        var json = SemdStructureCheck.ToJson(SemdDocumentBuilder.Build(Source(), Catalog, At.AddHours(2), Base).Bundle);
        Mutate(json, mutation);
        var violations = SemdStructureCheck.Check(json, Catalog);
        Assert.Contains(violations, v => v.Rule.ToString() == rule);
        Assert.All(violations, v => Assert.False(string.IsNullOrEmpty(v.Expression)));
    }

    private static void Mutate(JsonNode bundle, string mutation)
    {
        var entries = bundle["entry"]!.AsArray();
        var composition = entries[0]!["resource"]!.AsObject();
        var sections = composition["section"]!.AsArray();
        JsonObject Section(string code) => sections.Single(s => (string?)s!["code"]!["coding"]![0]!["code"] == code)!.AsObject();
        JsonObject Entry(string type, int skip = 0) => entries.Where(e => (string?)e!["resource"]!["resourceType"] == type).Skip(skip).First()!.AsObject();
        JsonObject Observation(string catalogCode) => entries.Select(e => e!["resource"]!.AsObject())
            .First(r => (string?)r["resourceType"] == "Observation" && r["code"]!["coding"]!.AsArray().Any(c => (string?)c!["code"] == catalogCode));
        void Unreference(JsonObject section, string type)
        {
            var url = (string)Entry(type)["fullUrl"]!;
            var list = section["entry"]!.AsArray();
            list.Remove(list.First(r => url.EndsWith("/" + (string?)r!["reference"], StringComparison.Ordinal)));
        }

        switch (mutation)
        {
            case "type collection": bundle["type"] = "collection"; break;
            case "no bundle identifier": bundle.AsObject().Remove("identifier"); break;
            case "no timestamp": bundle.AsObject().Remove("timestamp"); break;
            case "repeated fullUrl": entries[3]!["fullUrl"] = (string)entries[2]!["fullUrl"]!; break;
            case "composition last":
                var first = entries[0]!;
                entries.RemoveAt(0);
                entries.Add(first);
                break;
            case "second composition": entries.Add(new JsonObject { ["fullUrl"] = "urn:uuid:00000000-0000-8000-8000-000000000001", ["resource"] = composition.DeepClone() }); break;
            case "no NSI document kind": composition["type"]!["coding"]!.AsArray().RemoveAt(1); break;
            case "no LOINC document type": composition["type"]!["coding"]!.AsArray().RemoveAt(0); break;
            case "no guide tag": composition.Remove("meta"); break;
            case "no document identifier type": composition["identifier"]!.AsObject().Remove("type"); break;
            case "no VITALPARAM section": sections.Remove(Section("VITALPARAM")); break;
            case "RESLAB twice": sections.Add(Section("RESLAB").DeepClone()); break;
            case "empty ANALYSERS section":
                Section("ANALYSERS").Remove("entry");
                Section("ANALYSERS").Remove("text");
                break;
            case "author is the patient": composition["author"]![0]!["reference"] = (string)Entry("Patient")["fullUrl"]!; break;
            case "no custodian": composition.Remove("custodian"); break;
            case "subject outside the document": Observation("HGB")["subject"]!["reference"] = "Patient/123"; break;
            case "observation left out of RESLAB": Unreference(Section("RESLAB"), "Observation"); break;
            case "specimen left out of SPECIMENS": Unreference(Section("SPECIMENS"), "Specimen"); break;
            case "device left out of ANALYSERS": Unreference(Section("ANALYSERS"), "Device"); break;
            case "placeholder ФСЛИ code sent":
                // GLU's catalog entry holds a placeholder (fsliToVerify): sending it would be a guess.
                var placeholder = Catalog.Find("GLU")!.Fsli!;
                Observation("GLU")["code"]!["coding"]!.AsArray().Insert(0, new JsonObject { ["system"] = "urn:oid:1.2.643.5.1.13.13.11.1080", ["code"] = placeholder });
                break;
            case "verified ФСЛИ code dropped": Observation("HGB")["code"]!["coding"]!.AsArray().RemoveAt(0); break;
            case "unmapped NSI unit code": Observation("HGB")["valueQuantity"]!["code"] = "999"; break;
            case "specimen without the guide's identifier": Entry("Specimen")["resource"]!["identifier"]!.AsArray().RemoveAt(0); break;
            case "organization identifier without system": Entry("Organization")["resource"]!["identifier"]![0]!.AsObject().Remove("system"); break;
            default: throw new ArgumentOutOfRangeException(nameof(mutation), mutation, "unknown mutation");
        }
    }

    /// <summary>A final report of lab-1 for a synthetic patient: WBC, HGB, PLT on an EDTA tube (Sysmex), GLU on serum (chemistry).</summary>
    internal static SemdSource Source()
    {
        const string patientId = "0192f0c0a0b0c0d0e0f0a0b0c0d0e0f0";
        const string referralId = "ref-semd-1";
        var patient = new Patient
        {
            Id = patientId,
            ManagingOrganizationId = "clinic-1",
            Snils = "11223344595",
            FamilyName = "Синтетова",
            GivenName = "Анна",
            MiddleName = "Петровна",
            Sex = Sex.Female,
            BirthDate = new DateOnly(1985, 4, 2),
        };
        Specimen Tube(string id, string type, params string[] tests) => new()
        {
            Id = id,
            ReferralId = referralId,
            PatientId = patientId,
            Type = type,
            TestCodes = tests,
            Status = SpecimenStatus.Received,
            CollectedAt = At.AddHours(-1),
        };
        var tubes = new[] { Tube("20260000011", "blood-edta", "WBC", "HGB", "PLT"), Tube("20260000012", "serum", "GLU") };
        long id = 100;
        LabResult Result(string tube, string code, decimal value, string unit, decimal low, decimal high, string instrument) => new()
        {
            Id = ++id,
            SpecimenId = tube,
            ReferralId = referralId,
            PatientId = patientId,
            PerformingLabId = "lab-1",
            CatalogCode = code,
            AnalyzerCode = code,
            Value = value.ToString(System.Globalization.CultureInfo.InvariantCulture),
            Numeric = value,
            Unit = unit,
            ReferenceLow = low,
            ReferenceHigh = high,
            Interpretation = InterpretationCodes.Normal,
            Status = ResultStatus.Final,
            EffectiveAt = At,
            IssuedAt = At.AddMinutes(5),
            GatewayId = "lab-1-gw01",
            InstrumentId = instrument,
            MessageId = $"lab-1-gw01:{id}",
            IsCurrent = true,
        };
        var results = new[]
        {
            Result(tubes[0].Id, "WBC", 6.1m, "10*9/L", 4.0m, 9.0m, "xn-550-1"),
            Result(tubes[0].Id, "HGB", 135m, "g/L", 120m, 150m, "xn-550-1"),
            Result(tubes[0].Id, "PLT", 250m, "10*9/L", 150m, 400m, "xn-550-1"),
            Result(tubes[1].Id, "GLU", 5.2m, "mmol/L", 3.9m, 6.1m, "cobas-c311-1"),
        };
        return new SemdSource
        {
            Report = new DiagnosticReportSummary
            {
                Id = $"{referralId}-lab-1",
                ReferralId = referralId,
                PatientId = patientId,
                OrderingOrganizationId = "clinic-1",
                PerformingLabId = "lab-1",
                Status = ReportStatus.Final,
                Issued = At.AddMinutes(5),
                EffectiveAt = At,
                ResultIds = results.Select(r => r.Id).ToList(),
                TestCodes = ["WBC", "HGB", "PLT", "GLU"],
            },
            Patient = patient,
            Results = results,
            Specimens = tubes,
            Organizations = new Dictionary<string, Organization> { ["lab-1"] = new() { Id = "lab-1", Name = "Лаборатория №1", Kind = OrganizationKind.Lab } },
        };
    }
}
