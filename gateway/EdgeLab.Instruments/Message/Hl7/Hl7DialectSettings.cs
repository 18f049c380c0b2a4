using System.Text;
using EdgeLab.Instruments.Dialect;

namespace EdgeLab.Instruments.Message.Hl7;

/// <summary>
/// The HL7 part of a dialect profile, resolved once: field positions from <see cref="InstrumentProfile.Hl7"/>
/// (<see cref="Hl7Layout"/>, defaults when the profile has none) and the HL7 layer's own settings. The only place
/// that reads the profile, so the decoder never sees YAML-shaped data.
/// </summary>
public sealed record Hl7DialectSettings
{
    public required string ProfileName { get; init; }
    /// <summary>Specimen id locations, tried in order until one is valued.</summary>
    public required IReadOnlyList<Hl7FieldPath> SpecimenId { get; init; }
    public required Hl7FieldPath PatientId { get; init; }
    /// <summary>OBX-3 component holding the analyzer's test code (1 identifier, 2 text).</summary>
    public required int TestCodeComponent { get; init; }
    public required IReadOnlyList<string> QcProcessingIds { get; init; }
    /// <summary>Field values that mark a QC message beyond MSH-11 (see <see cref="Hl7Layout.QcMarkers"/>).</summary>
    public IReadOnlyList<Hl7FieldMarker> QcMarkers { get; init; } = [];
    /// <summary>Field values that mark a calibration message.</summary>
    public IReadOnlyList<Hl7FieldMarker> CalibrationMarkers { get; init; } = [];
    public required string DefaultCharset { get; init; }
    public required string UnicodeCharset { get; init; }
    public Hl7FieldPath? ResultTimeFallback { get; init; }
    public required int MaxMessageSize { get; init; }

    /// <summary>Reads the profile; a malformed field path is a configuration error (<see cref="FormatException"/>).</summary>
    public static Hl7DialectSettings From(InstrumentProfile profile)
    {
        var layout = profile.Hl7 ?? new Hl7Layout();
        var specimen = new List<Hl7FieldPath> { Hl7FieldPath.Parse(layout.SpecimenId) };
        if (!string.IsNullOrWhiteSpace(layout.AlternateSpecimenId)) specimen.Add(Hl7FieldPath.Parse(layout.AlternateSpecimenId));
        var testCode = Hl7FieldPath.Parse(layout.TestCode);
        if (testCode.SegmentId != "OBX" || testCode.Field != 3)
            throw new FormatException($"test code location '{layout.TestCode}' must be OBX-3.n");
        return new Hl7DialectSettings
        {
            ProfileName = profile.Name,
            SpecimenId = specimen,
            PatientId = Hl7FieldPath.Parse(layout.PatientId),
            TestCodeComponent = testCode.Component,
            QcProcessingIds = layout.QcProcessingIds,
            QcMarkers = layout.QcMarkers.Select(Hl7FieldMarker.Parse).ToArray(),
            CalibrationMarkers = layout.CalibrationMarkers.Select(Hl7FieldMarker.Parse).ToArray(),
            DefaultCharset = layout.DefaultCharset,
            UnicodeCharset = profile.Hl7UnicodeCharset,
            ResultTimeFallback = profile.Hl7ResultTimeFallbackField is { } f ? Hl7FieldPath.Parse(f) : null,
            MaxMessageSize = profile.Hl7MaxMessageSize,
        };
    }

    /// <summary>MSH-18 → encoding under this profile; null when not decodable.</summary>
    internal Encoding? ResolveCharacterSet(string? msh18) => Hl7CharacterSet.Resolve(msh18, UnicodeCharset, DefaultCharset);
}
