using System.Text.Json;
using System.Text.Json.Nodes;
using EdgeLab.Hub.Catalog;
using EdgeLab.Hub.Fhir.Resources;

namespace EdgeLab.Hub.Fhir.Semd;

/// <summary>
/// Our own structural checks of a СЭМД «Протокол лабораторного исследования» (<see cref="SemdRule"/>), beyond R4 validity
/// (which the project's validator checks): the rules the fhir-ru Ru-SEMD guide states for this document. Works on the
/// document's JSON, so it checks exactly what goes on the wire and can check a document from elsewhere.
/// </summary>
internal static class SemdStructureCheck
{
    public static JsonNode ToJson(Bundle bundle) => JsonNode.Parse(FhirJson.Serialize(bundle))!;

    public static IReadOnlyList<SemdViolation> Check(JsonNode bundle, ITestCatalog catalog)
    {
        var found = new List<SemdViolation>();
        void Fail(SemdRule rule, string at, string message) => found.Add(new SemdViolation(rule, at, message));

        if (Str(bundle["resourceType"]) != "Bundle" || Str(bundle["type"]) != "document")
            Fail(SemdRule.DocumentBundle, "Bundle.type", "A СЭМД is a Bundle of type 'document'.");
        if (Str(bundle["identifier"]?["system"]) is null || Str(bundle["identifier"]?["value"]) is null)
            Fail(SemdRule.DocumentBundle, "Bundle.identifier", "A document Bundle needs an identifier with system and value (bdl-9).");
        if (Str(bundle["timestamp"]) is null)
            Fail(SemdRule.DocumentBundle, "Bundle.timestamp", "A document Bundle needs a timestamp (bdl-10).");

        var entries = (bundle["entry"] as JsonArray)?.Select(e => e as JsonObject).ToList() ?? [];
        var byUrl = new Dictionary<string, JsonObject>(StringComparer.Ordinal);
        for (var i = 0; i < entries.Count; i++)
        {
            var url = Str(entries[i]?["fullUrl"]);
            if (entries[i]?["resource"] is not JsonObject resource || url is null)
                Fail(SemdRule.EntryUrls, $"Bundle.entry[{i}]", "Every entry needs a resource and a fullUrl.");
            else if (!byUrl.TryAdd(url, resource))
                Fail(SemdRule.EntryUrls, $"Bundle.entry[{i}].fullUrl", $"fullUrl {url} is used twice (bdl-7).");
        }
        var composition = entries.FirstOrDefault()?["resource"] as JsonObject;
        var compositionUrl = Str(entries.FirstOrDefault()?["fullUrl"]);
        string TypeAt(string? reference) =>
            reference is not null && byUrl.TryGetValue(Resolve(reference, compositionUrl), out var r) ? Str(r["resourceType"]) ?? "" : "";

        if (Str(composition?["resourceType"]) != "Composition")
        {
            Fail(SemdRule.CompositionFirst, "Bundle.entry[0]", "The first entry of a document must be its Composition (bdl-11).");
            composition = null;
        }
        var compositions = entries.Count(e => Str(e?["resource"]?["resourceType"]) == "Composition");
        if (compositions > 1)
            Fail(SemdRule.CompositionFirst, "Bundle.entry", $"A document has one Composition; this one has {compositions}.");

        // References: every one resolves inside the document (relative ones against their entry's fullUrl, R4 §2.36.4.1).
        for (var i = 0; i < entries.Count; i++)
        {
            var from = Str(entries[i]?["fullUrl"]);
            foreach (var (reference, at) in References(entries[i]?["resource"], $"Bundle.entry[{i}].resource"))
            {
                if (!byUrl.ContainsKey(Resolve(reference, from)))
                    Fail(SemdRule.ReferencesResolve, at, $"Reference '{reference}' points outside the document.");
            }
        }

        if (composition is not null) CheckComposition(composition, entries, s => Resolve(s, compositionUrl), TypeAt, Fail);
        CheckResources(entries, catalog, Fail);
        return found;
    }

    private static void CheckComposition(
        JsonObject composition, List<JsonObject?> entries, Func<string, string> resolve, Func<string?, string> typeAt, Action<SemdRule, string, string> fail)
    {
        const string c = "Bundle.entry[0].resource";
        var codings = Codings(composition["type"]);
        if (!codings.Contains((FhirSystems.Loinc, SemdCodes.LaboratoryReportLoinc)) || !codings.Contains((SemdCodes.DocumentKindSystem, SemdCodes.DocumentKindCode)))
            fail(SemdRule.DocumentType, c + ".type", $"Composition.type must carry LOINC {SemdCodes.LaboratoryReportLoinc} and {SemdCodes.DocumentKindSystem} code {SemdCodes.DocumentKindCode} («{SemdCodes.DocumentTitle}»).");
        if (!Codings(composition["meta"]?["tag"]).Contains((SemdCodes.GuideTagSystem, SemdCodes.GuideTagCode)))
            fail(SemdRule.DocumentType, c + ".meta.tag", $"Composition.meta.tag must name the СЭМД guide ({SemdCodes.GuideTagSystem}|{SemdCodes.GuideTagCode}).");
        if (Str(composition["language"]) != "ru")
            fail(SemdRule.DocumentType, c + ".language", "Composition.language must be 'ru'.");

        var identifier = composition["identifier"];
        if (Str(identifier?["system"]) is null || Str(identifier?["value"]) is null
            || !Codings(identifier?["type"]).Contains((SemdCodes.IdentifierTypeSystem, "MR")))
            fail(SemdRule.DocumentIdentifier, c + ".identifier", "Composition.identifier needs system, value and type v2-0203 MR (the document's id in the issuing system).");

        if (typeAt(Str(composition["subject"]?["reference"])) != "Patient")
            fail(SemdRule.SubjectAuthorCustodian, c + ".subject", "Composition.subject must reference the Patient entry.");
        var authors = composition["author"] as JsonArray;
        if (authors is null || authors.Count == 0 || authors.Any(a => typeAt(Str(a?["reference"])) != "Organization"))
            fail(SemdRule.SubjectAuthorCustodian, c + ".author", "Composition.author must reference the lab's Organization entry.");
        if (typeAt(Str(composition["custodian"]?["reference"])) != "Organization")
            fail(SemdRule.SubjectAuthorCustodian, c + ".custodian", "Composition.custodian must reference the lab's Organization entry.");

        var sections = (composition["section"] as JsonArray)?.Select(s => s as JsonObject).ToList() ?? [];
        HashSet<string> SectionEntries(string code) => sections
            .Where(s => Codings(s?["code"]).Contains((SemdCodes.SectionSystem, code)))
            .SelectMany(s => (s!["entry"] as JsonArray) ?? [])
            .Select(e => Str(e?["reference"])).OfType<string>().Select(resolve).ToHashSet(StringComparer.Ordinal);
        foreach (var code in SemdCodes.RequiredSections)
        {
            var matching = sections.Select((s, i) => (s, i)).Where(x => Codings(x.s?["code"]).Contains((SemdCodes.SectionSystem, code))).ToList();
            if (matching.Count != 1)
                fail(SemdRule.RequiredSections, c + ".section", $"Section {code} («{SemdCodes.SectionTitle(code)}») must appear exactly once; found {matching.Count}.");
            foreach (var (s, i) in matching)
            {
                if (Str(s?["text"]?["div"]) is null && (s?["entry"] as JsonArray) is not { Count: > 0 })
                    fail(SemdRule.RequiredSections, $"{c}.section[{i}]", $"Section {code} needs text or entries (cmp-1).");
            }
        }

        var results = SectionEntries(SemdCodes.Results);
        var specimens = SectionEntries(SemdCodes.Specimens);
        var devices = SectionEntries(SemdCodes.Analysers);
        foreach (var reference in results)
        {
            if (typeAt(reference) is not ("Observation" or "DiagnosticReport"))
                fail(SemdRule.ResultsInSection, c + ".section", $"Section RESLAB references '{reference}', which is no Observation or DiagnosticReport of the document.");
        }
        for (var i = 0; i < entries.Count; i++)
        {
            var url = Str(entries[i]?["fullUrl"]);
            if (url is null) continue;
            switch (Str(entries[i]?["resource"]?["resourceType"]))
            {
                case "Observation" when !results.Contains(url):
                    fail(SemdRule.ResultsInSection, $"Bundle.entry[{i}]", "This Observation is not referenced from the RESLAB section.");
                    break;
                case "Specimen" when !specimens.Contains(url):
                    fail(SemdRule.MaterialsInSections, $"Bundle.entry[{i}]", "This Specimen is not referenced from the SPECIMENS section.");
                    break;
                case "Device" when !devices.Contains(url):
                    fail(SemdRule.MaterialsInSections, $"Bundle.entry[{i}]", "This Device is not referenced from the ANALYSERS section.");
                    break;
            }
        }
    }

    private static void CheckResources(List<JsonObject?> entries, ITestCatalog catalog, Action<SemdRule, string, string> fail)
    {
        for (var i = 0; i < entries.Count; i++)
        {
            if (entries[i]?["resource"] is not JsonObject resource) continue;
            var at = $"Bundle.entry[{i}].resource";
            var type = Str(resource["resourceType"]);
            if (type == "Observation")
            {
                var codings = Codings(resource["code"]);
                foreach (var (_, code) in codings.Where(x => x.System == FhirSystems.Fsli))
                {
                    if (catalog.FindByFsli(code) is null)
                        fail(SemdRule.VerifiedFsli, at + ".code", $"ФСЛИ code {code} is not a verified code of the catalog: a ФСЛИ code is sent only where a published source confirms it.");
                }
                var regional = codings.FirstOrDefault(x => x.System == FhirSystems.CatalogCode).Code;
                if (regional is not null && catalog.Find(regional)?.VerifiedFsli is { } verified && !codings.Contains((FhirSystems.Fsli, verified)))
                    fail(SemdRule.VerifiedFsli, at + ".code", $"Test {regional} has the verified ФСЛИ code {verified}, which the Observation does not carry.");
            }
            foreach (var (quantity, path) in Quantities(resource, at))
            {
                if (Str(quantity["system"]) == SemdCodes.NsiUnitSystem && !Catalog.NsiUnits.IsMappedCode(Str(quantity["code"])))
                    fail(SemdRule.NsiUnits, path, $"Unit code '{Str(quantity["code"])}' of {SemdCodes.NsiUnitSystem} is not one of the verified mappings.");
            }
            var identifiers = (resource["identifier"] as JsonArray)?.ToList() ?? [];
            bool Complete(JsonNode? id) => Str(id?["system"]) is not null && Str(id?["value"]) is not null;
            switch (type)
            {
                case "Specimen" when !identifiers.Any(id => Complete(id) && Str(id!["system"]) == SemdCodes.SpecimenIdentifierSystem
                                                         && Codings(id["type"]).Contains((SemdCodes.IdentifierTypeSystem, "ACSN"))):
                    fail(SemdRule.Identifiers, at + ".identifier", $"The Specimen needs the guide's specimenId identifier ({SemdCodes.SpecimenIdentifierSystem}, type v2-0203 ACSN).");
                    break;
                case "Device" or "Organization" or "Patient" when identifiers.Count == 0 || !identifiers.All(Complete):
                    fail(SemdRule.Identifiers, at + ".identifier", $"Every identifier of the {type} needs a system and a value.");
                    break;
            }
        }
    }

    /// <summary>
    /// An absolute reference as is; a relative one (<c>Type/id</c>) against the base of the referring entry's RESTful
    /// fullUrl (R4 §2.36.4.1: the fullUrl less its last two segments).
    /// </summary>
    private static string Resolve(string reference, string? fromFullUrl)
    {
        if (reference.StartsWith("urn:", StringComparison.Ordinal) || reference.Contains("://", StringComparison.Ordinal) || fromFullUrl is null)
            return reference;
        var cut = fromFullUrl.LastIndexOf('/');
        cut = cut > 0 ? fromFullUrl.LastIndexOf('/', cut - 1) : -1;
        return cut > 0 && !fromFullUrl.StartsWith("urn:", StringComparison.Ordinal) ? fromFullUrl[..cut] + "/" + reference : reference;
    }

    private static IEnumerable<(string Reference, string At)> References(JsonNode? node, string path)
    {
        switch (node)
        {
            case JsonObject obj:
                foreach (var (key, value) in obj)
                {
                    if (key == "reference" && Str(value) is { } reference) yield return (reference, path + ".reference");
                    else foreach (var found in References(value, path + "." + key)) yield return found;
                }
                break;
            case JsonArray array:
                for (var i = 0; i < array.Count; i++)
                    foreach (var found in References(array[i], $"{path}[{i}]")) yield return found;
                break;
        }
    }

    private static IEnumerable<(JsonObject Quantity, string At)> Quantities(JsonNode? node, string path)
    {
        switch (node)
        {
            case JsonObject obj:
                if (obj["value"] is JsonValue v && v.GetValueKind() == JsonValueKind.Number) yield return (obj, path);
                foreach (var (key, value) in obj)
                    foreach (var found in Quantities(value, path + "." + key)) yield return found;
                break;
            case JsonArray array:
                for (var i = 0; i < array.Count; i++)
                    foreach (var found in Quantities(array[i], $"{path}[{i}]")) yield return found;
                break;
        }
    }

    /// <summary>(system, code) of a CodeableConcept, a Coding or a list of Codings.</summary>
    private static HashSet<(string System, string Code)> Codings(JsonNode? node)
    {
        var list = node switch
        {
            JsonArray array => array.ToList(),
            JsonObject obj when obj["coding"] is JsonArray codings => codings.ToList(),
            JsonObject obj => [obj],
            _ => [],
        };
        return list.Select(c => (Str(c?["system"]) ?? "", Str(c?["code"]) ?? "")).ToHashSet();
    }

    private static string? Str(JsonNode? node) =>
        node is JsonValue value && value.GetValueKind() == JsonValueKind.String && (string?)value is { Length: > 0 } s ? s : null;
}
