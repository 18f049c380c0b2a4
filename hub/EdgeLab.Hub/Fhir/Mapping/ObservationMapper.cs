using EdgeLab.Hub.Catalog;
using EdgeLab.Hub.Domain;
using EdgeLab.Hub.Fhir.Resources;

namespace EdgeLab.Hub.Fhir.Mapping;

/// <summary>Domain <see cref="LabResult"/> → FHIR R4 Observation (§12.20) in the laboratory category.</summary>
internal static class ObservationMapper
{
    public static Observation ToFhir(LabResult result, ITestCatalog catalog)
    {
        var test = catalog.Find(result.CatalogCode);
        // A rejected result is never reported as a value (issue 13): like an analyzer's "no result", it has none.
        var cancelled = result.Status == ResultStatus.Cancelled || result.Validation == ValidationState.Rejected;
        var quantity = cancelled ? null : CodeMapper.Quantity(result.Numeric, result.Unit, result.Comparator);
        var basedOn = ResourceIds.ServiceRequest(result.ReferralId, result.CatalogCode) is { } srId
            ? new[] { Reference.To("ServiceRequest", srId) }
            : null;
        return new Observation
        {
            Id = result.Id.ToString(System.Globalization.CultureInfo.InvariantCulture),
            Meta = new Meta { LastUpdated = FhirDates.Instant(result.LastUpdated == default ? result.IssuedAt : result.LastUpdated) },
            Identifier = [new Identifier { System = FhirSystems.ResultId, Value = $"{result.MessageId}/{result.CatalogCode}" }],
            BasedOn = basedOn,
            Status = Status(result),
            Category = [CodeMapper.LaboratoryCategory],
            Code = test is null ? CodeMapper.TestCode(catalog, result.CatalogCode) : CodeMapper.TestCode(test),
            Subject = PatientMapper.Reference(result.PatientId),
            EffectiveDateTime = FhirDates.Instant(result.EffectiveAt),
            Issued = FhirDates.Instant(result.IssuedAt),
            Performer = [CodeMapper.Organization(result.PerformingLabId)],
            ValueQuantity = quantity,
            ValueString = cancelled || quantity is not null ? null : result.Value,
            // obs-6: dataAbsentReason only when there is no value.
            DataAbsentReason = cancelled ? CodeableConcept.Of(FhirSystems.DataAbsentReason, "error", "Error") : null,
            Interpretation = CodeMapper.Interpretation(result.Interpretation) is { } i ? [i] : null,
            Note = Notes(result).NullIfEmpty(),
            Specimen = Reference.To("Specimen", result.SpecimenId),
            Device = new Reference { Display = $"{result.GatewayId}/{result.InstrumentId}" },
            ReferenceRange = Range(result).NullIfEmpty(),
        };
    }

    /// <summary>
    /// ObservationStatus (R4, required binding) with validation (issue 13): a result waiting for a lab doctor (held, or a
    /// rerun asked for) is <c>preliminary</c> whatever the analyzer said — the EMR must not take it as final; a rejected
    /// one is <c>cancelled</c>; a released one keeps the analyzer's status (final, corrected, preliminary).
    /// </summary>
    public static string Status(LabResult result) => result.Validation switch
    {
        ValidationState.Rejected => "cancelled",
        ValidationState.Held or ValidationState.RerunRequested when result.Status != ResultStatus.Cancelled => "preliminary",
        _ => Status(result.Status),
    };

    /// <summary>ObservationStatus (R4, required binding) of the analyzer's status alone.</summary>
    public static string Status(ResultStatus status) => status switch
    {
        ResultStatus.Preliminary => "preliminary",
        ResultStatus.Final => "final",
        ResultStatus.Corrected => "corrected",
        ResultStatus.Cancelled => "cancelled",
        _ => "unknown",
    };

    private static IEnumerable<Annotation> Notes(LabResult result)
    {
        switch (result.Validation)
        {
            case ValidationState.Held:
                yield return new Annotation { Text = "Awaiting validation by a lab doctor: " + string.Join(", ", result.HoldReasons) };
                break;
            case ValidationState.RerunRequested:
                yield return new Annotation { Text = "A lab doctor asked for the test to be run again." };
                break;
            case ValidationState.Rejected:
                yield return new Annotation { Text = "Rejected by a lab doctor; no value is reported." };
                break;
        }
        if (result.Review is { } review)
            yield return new Annotation { Text = "Needs review: " + review };
        if (result.AnalyzerFlags.Count > 0)
            yield return new Annotation { Text = "Analyzer flags: " + string.Join(", ", result.AnalyzerFlags) };
        if (!result.IsCurrent)
            yield return new Annotation { Text = "Superseded by a later result for the same specimen and test." };
        if (result.SupersedesId is { } previous)
            yield return new Annotation { Text = $"Corrects Observation/{previous}." };
    }

    private static IEnumerable<ObservationReferenceRange> Range(LabResult result)
    {
        // obs-3: at least low, high or text.
        if (result.ReferenceLow is null && result.ReferenceHigh is null && string.IsNullOrEmpty(result.ReferenceText)) yield break;
        yield return new ObservationReferenceRange
        {
            Low = CodeMapper.Quantity(result.ReferenceLow, result.Unit),
            High = CodeMapper.Quantity(result.ReferenceHigh, result.Unit),
            Text = string.IsNullOrEmpty(result.ReferenceText) ? null : result.ReferenceText,
        };
    }
}
