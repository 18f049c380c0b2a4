using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using EdgeLab.Hub.Catalog;
using EdgeLab.Hub.Domain;
using EdgeLab.Hub.Fhir.Mapping;
using EdgeLab.Hub.Fhir.Resources;

namespace EdgeLab.Hub.Fhir.Semd;

/// <summary>
/// A final DiagnosticReport → the СЭМД «Протокол лабораторного исследования» as a FHIR R4 document Bundle shaped by the
/// fhir-ru Ru-SEMD guide (PLI_SEMD_Composition and the example bundle-pli-oak): Composition first (bdl-11), then the
/// Patient, the labs (Organization: author and custodian), the DiagnosticReport, the tubes (Specimen), the analyzers
/// (Device) and the results (Observation). Every reference points inside the Bundle; the same report version always
/// gives the same entries.
/// The guide is written on FHIR R5; where R4 differs (Composition.identifier 0..1, Device.deviceName) the R4 element is used.
/// </summary>
internal static class SemdDocumentBuilder
{
    /// <param name="fhirBase">The hub's FHIR base (e.g. <c>https://hub.example/fhir</c>): the entries' fullUrls are <c>{base}/{type}/{id}</c>.</param>
    public static SemdDocument Build(SemdSource source, ITestCatalog catalog, DateTimeOffset assembledAt, string fhirBase)
    {
        var report = source.Report;
        var version = report.Issued.ToUnixTimeMilliseconds().ToString(CultureInfo.InvariantCulture);
        fhirBase = fhirBase.TrimEnd('/');
        // Like the guide's example: RESTful fullUrls and relative references (R4 §2.36.4.1 resolves them against the
        // fullUrl's base). Resources the hub serves keep their ids, so their fullUrls can be read back from the API;
        // the Composition and the Devices get name-based ids, stable for the same report version.
        string Minted(string key) => NameBasedUuid($"{report.Id}|{version}|{key}");
        string Url(string reference) => $"{fhirBase}/{reference}";

        var notes = new List<OperationOutcomeIssue>();
        // Entry 0 (Composition) and the DiagnosticReport are filled in last, once what they point at has URLs.
        var entries = new List<BundleEntry> { null!, null! };
        int Add(string reference, Resource resource)
        {
            entries.Add(new BundleEntry { FullUrl = Url(reference), Resource = resource });
            return entries.Count - 1;
        }

        var patientUrl = "Patient/" + source.Patient.Id;
        Add(patientUrl, PatientMapper.ToFhir(source.Patient) with { Meta = null });
        var patientRef = new Reference { ReferenceValue = patientUrl };

        var labUrls = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var labId in source.Results.Select(r => r.PerformingLabId).Prepend(report.PerformingLabId).Distinct(StringComparer.Ordinal))
        {
            labUrls[labId] = "Organization/" + labId;
            var index = Add(labUrls[labId], Organization(labId, source.Organizations.GetValueOrDefault(labId)));
            notes.Add(Note("information", $"Bundle.entry[{index}].resource.identifier",
                $"The lab '{labId}' is identified by {FhirSystems.Organization}: the hub does not hold its ФРМО OID (the guide's NSI-FRMO identifier)."));
        }
        Reference Lab(string labId) => new() { ReferenceValue = labUrls[labId] };

        var specimenUrls = new Dictionary<string, string>(StringComparer.Ordinal);
        var specimenTypes = new HashSet<string>(StringComparer.Ordinal);
        foreach (var specimen in source.Specimens)
        {
            specimenUrls[specimen.Id] = "Specimen/" + specimen.Id;
            var index = Add(specimenUrls[specimen.Id], Specimen(specimen, patientRef));
            if (specimenTypes.Add(specimen.Type))
                notes.Add(Note("information", $"Bundle.entry[{index}].resource.type",
                    $"Specimen type '{specimen.Type}' keeps EdgeLab's code: no verified code of the NSI specimen directory (1.2.643.5.1.13.13.99.2.1019 in the guide's example) is mapped."));
        }

        var deviceUrls = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var result in source.Results)
        {
            var key = DeviceKey(result);
            if (deviceUrls.ContainsKey(key)) continue;
            var deviceId = Minted("Device|" + key);
            deviceUrls[key] = "Device/" + deviceId;
            var index = Add(deviceUrls[key], new Device
            {
                Id = deviceId,
                Identifier = [new Identifier { System = SemdCodes.InstrumentSystem, Value = key }],
                Status = "active",
                DeviceName = [new DeviceName { Name = $"{result.InstrumentId} ({result.GatewayId})", Type = "user-friendly-name" }],
                Owner = Lab(result.PerformingLabId),
            });
            if (deviceUrls.Count == 1)
                notes.Add(Note("information", $"Bundle.entry[{index}].resource.identifier",
                    "Analyzers are identified by EdgeLab's gateway/instrument id: the hub does not know their serial numbers (the guide's analyserId)."));
        }

        var observationRefs = new List<Reference>();
        var resultRows = new List<IReadOnlyList<string>>();
        var unmappedUnits = new Dictionary<string, (string At, SortedSet<string> Tests)>(StringComparer.Ordinal);
        foreach (var result in source.Results)
        {
            var url = "Observation/" + result.Id.ToString(CultureInfo.InvariantCulture);
            var test = catalog.Find(result.CatalogCode);
            var mapped = ObservationMapper.ToFhir(result, catalog);
            var observation = mapped with
            {
                Meta = null,
                BasedOn = null,
                Code = TestCode(test, result.CatalogCode),
                Subject = patientRef,
                Performer = [Lab(result.PerformingLabId)],
                Specimen = specimenUrls.TryGetValue(result.SpecimenId, out var specimenUrl) ? new Reference { ReferenceValue = specimenUrl } : null,
                Device = new Reference { ReferenceValue = deviceUrls[DeviceKey(result)] },
                ValueQuantity = NsiQuantity(mapped.ValueQuantity),
                ReferenceRange = mapped.ReferenceRange?.Select(r => r with { Low = NsiQuantity(r.Low), High = NsiQuantity(r.High) }).ToList(),
            };
            var index = Add(url, observation);
            observationRefs.Add(new Reference { ReferenceValue = url });
            resultRows.Add([test?.NameRu ?? test?.Name ?? result.CatalogCode, ValueText(observation), observation.ValueQuantity?.Unit ?? "", RangeText(observation)]);

            if (test?.VerifiedFsli is null)
                notes.Add(Note("warning", $"Bundle.entry[{index}].resource.code",
                    test is null
                        ? $"Test '{result.CatalogCode}' is not in the regional catalog: no ФСЛИ code (1.2.643.5.1.13.13.11.1080), only the regional code is sent."
                        : $"Test {test.Code} «{test.NameRu ?? test.Name}» has no verified ФСЛИ code (1.2.643.5.1.13.13.11.1080): it is coded with LOINC {test.Loinc} and the regional code only, not guessed (Catalog/FSLI-SOURCES.md)."));
            if (mapped.ValueQuantity?.Code is { } ucum && NsiUnits.FromUcum(ucum) is null)
            {
                if (!unmappedUnits.TryGetValue(ucum, out var seen)) unmappedUnits[ucum] = seen = ($"Bundle.entry[{index}].resource.valueQuantity", []);
                seen.Tests.Add(result.CatalogCode);
            }
        }
        foreach (var (unit, seen) in unmappedUnits)
            notes.Add(Note("warning", seen.At,
                $"Unit '{unit}' ({string.Join(", ", seen.Tests)}) has no verified code in NSI «Единицы измерения» (1.2.643.5.1.13.13.11.1358): it stays UCUM."));

        var reportUrl = "DiagnosticReport/" + report.Id;
        entries[1] = new BundleEntry
        {
            FullUrl = Url(reportUrl),
            Resource = DiagnosticReportMapper.ToFhir(report, catalog) with
            {
                Meta = null,
                BasedOn = null,
                Subject = patientRef,
                Performer = [Lab(report.PerformingLabId)],
                Specimen = specimenUrls.Values.Select(u => new Reference { ReferenceValue = u }).NullIfEmpty(),
                Result = observationRefs.NullIfEmpty(),
            },
        };

        var lab = Lab(report.PerformingLabId);
        var compositionId = Minted("Composition");
        entries[0] = new BundleEntry
        {
            FullUrl = Url("Composition/" + compositionId),
            Resource = new Composition
            {
                Id = compositionId,
                Meta = new Meta { Tag = [new Coding { System = SemdCodes.GuideTagSystem, Code = SemdCodes.GuideTagCode }] },
                Language = "ru",
                Identifier = new Identifier
                {
                    Type = SemdCodes.IdentifierType("MR", "Medical record number"),
                    System = SemdCodes.DocumentIdentifierSystem,
                    Value = $"{report.Id}/{version}",
                },
                Status = report.Status == ReportStatus.Amended ? "amended" : "final",
                Type = new CodeableConcept
                {
                    Coding =
                    [
                        new Coding { System = FhirSystems.Loinc, Code = SemdCodes.LaboratoryReportLoinc, Display = "Laboratory report" },
                        new Coding { System = SemdCodes.DocumentKindSystem, Code = SemdCodes.DocumentKindCode, Display = SemdCodes.DocumentTitle },
                    ],
                    Text = SemdCodes.DocumentTitle,
                },
                Subject = patientRef,
                Date = FhirDates.Instant(report.Issued),
                Author = [lab],
                Title = SemdCodes.DocumentTitle,
                Confidentiality = "N",
                Custodian = lab,
                Section =
                [
                    Section(SemdCodes.Specimens, specimenUrls.Values,
                        SemdNarrative.Table(["Штрихкод", "Материал", "Взят"], source.Specimens.Select(s => (IReadOnlyList<string>)
                            [s.Id, s.Type, s.CollectedAt?.ToString("yyyy-MM-dd HH:mm 'UTC'", CultureInfo.InvariantCulture) ?? "—"]))),
                    Section(SemdCodes.Analysers, deviceUrls.Values,
                        SemdNarrative.Table(["Анализатор", "Шлюз"], source.Results.DistinctBy(DeviceKey).Select(r => (IReadOnlyList<string>)[r.InstrumentId, r.GatewayId]))),
                    new CompositionSection
                    {
                        Title = SemdCodes.SectionTitle(SemdCodes.VitalParameters),
                        Code = SemdCodes.Section(SemdCodes.VitalParameters),
                        Text = SemdNarrative.Paragraph("Витальные параметры в лабораторию не передавались."),
                        // cmp-2: emptyReason only on a section without entries.
                        EmptyReason = CodeableConcept.Of(SemdCodes.ListEmptyReasonSystem, "unavailable", "Unavailable"),
                    },
                    Section(SemdCodes.Results, observationRefs.Select(r => r.ReferenceValue!).Prepend(reportUrl),
                        SemdNarrative.Table(["Показатель", "Результат", "Единицы", "Референсный интервал"], resultRows)),
                ],
            },
        };
        notes.Add(Note("information", "Bundle.entry[0].resource",
            "The VITALPARAM section is empty: the hub receives no vital parameters. No legal authenticator is attested and the document is not signed: signing and sending to РЭМД are outside the hub."));

        var bundle = new Bundle
        {
            Identifier = new Identifier { System = "urn:ietf:rfc:3986", Value = "urn:uuid:" + Minted("Bundle") },
            Type = "document",
            Timestamp = FhirDates.Instant(assembledAt),
            Entry = entries,
        };
        var issues = SemdStructureCheck.Check(SemdStructureCheck.ToJson(bundle), catalog).Select(v => v.ToIssue()).Concat(notes).ToList();
        return new SemdDocument(bundle, new OperationOutcome { Issue = issues });
    }

    /// <summary>
    /// The Observation's code for the document: the verified ФСЛИ coding first (PLI_SEMD_Observation binds code to the
    /// ФСЛИ value set, required), then LOINC and the regional code. A test without a verified code gets none — never a guess.
    /// </summary>
    public static CodeableConcept TestCode(TestDefinition? test, string catalogCode)
    {
        if (test is null) return CodeableConcept.Of(FhirSystems.CatalogCode, catalogCode) with { Text = catalogCode };
        var code = CodeMapper.TestCode(test);
        return code with { Coding = code.Coding!.OrderBy(c => c.System == FhirSystems.Fsli ? 0 : 1).ToList() };
    }

    /// <summary>A UCUM quantity in NSI «Единицы измерения» (1.2.643.5.1.13.13.11.1358) where the unit has a verified code.</summary>
    public static Quantity? NsiQuantity(Quantity? quantity) =>
        quantity?.System == FhirSystems.Ucum && NsiUnits.FromUcum(quantity.Code) is { } unit
            ? quantity with { System = SemdCodes.NsiUnitSystem, Code = unit.Code, Unit = unit.Display }
            : quantity;

    private static string DeviceKey(LabResult result) => $"{result.GatewayId}/{result.InstrumentId}";

    private static Resources.Organization Organization(string labId, Domain.Organization? known) => new()
    {
        Id = labId,
        Identifier = [new Identifier { System = FhirSystems.Organization, Value = labId }],
        Active = true,
        Type = [CodeableConcept.Of(SemdCodes.OrganizationTypeSystem, "prov", "Healthcare Provider")],
        Name = known?.Name ?? labId,
    };

    private static Resources.Specimen Specimen(Domain.Specimen specimen, Reference patient) => SpecimenMapper.ToFhir(specimen) with
    {
        Meta = null,
        Request = null,
        Parent = null,
        Subject = patient,
        // PLI_SEMD_Specimen identifier slice specimenId (the guide's system, type ACSN), plus the hub's barcode namespace.
        Identifier =
        [
            new Identifier { Type = SemdCodes.IdentifierType("ACSN", "Accession ID"), System = SemdCodes.SpecimenIdentifierSystem, Value = specimen.Id },
            new Identifier { System = FhirSystems.SpecimenBarcode, Value = specimen.Id },
        ],
    };

    private static CompositionSection Section(string code, IEnumerable<string> urls, Narrative text) => new()
    {
        Title = SemdCodes.SectionTitle(code),
        Code = SemdCodes.Section(code),
        Text = text,
        Entry = urls.Select(u => new Reference { ReferenceValue = u }).NullIfEmpty(),
    };

    private static string ValueText(Observation observation) => observation.ValueQuantity is { Value: { } value } q
        ? (q.Comparator ?? "") + value.ToString(CultureInfo.InvariantCulture)
        : observation.ValueString ?? "—";

    private static string RangeText(Observation observation) => observation.ReferenceRange?.FirstOrDefault() is { } range
        ? range.Text ?? $"{range.Low?.Value?.ToString(CultureInfo.InvariantCulture)} – {range.High?.Value?.ToString(CultureInfo.InvariantCulture)}"
        : "";

    private static OperationOutcomeIssue Note(string severity, string expression, string diagnostics) => new()
    {
        Severity = severity,
        Code = IssueType.Incomplete,
        Diagnostics = diagnostics,
        Expression = [expression],
    };

    /// <summary>A name-based UUID (RFC 9562 version 8, SHA-256 of the name): stable for the same report version.</summary>
    internal static string NameBasedUuid(string name)
    {
        Span<byte> hash = stackalloc byte[32];
        SHA256.HashData(Encoding.UTF8.GetBytes(name), hash);
        hash[6] = (byte)((hash[6] & 0x0F) | 0x80);
        hash[8] = (byte)((hash[8] & 0x3F) | 0x80);
        return new Guid(hash[..16], bigEndian: true).ToString("D");
    }
}
