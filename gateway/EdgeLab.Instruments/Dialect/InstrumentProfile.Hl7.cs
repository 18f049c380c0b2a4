namespace EdgeLab.Instruments.Dialect;

/// <summary>
/// The HL7 v2 settings that belong to the HL7 link and message layers rather than to field positions (those live in
/// <see cref="Hl7Layout"/>). Every default works for the Mindray BC-5380 sample (tests/samples/hl7) and for a
/// generic HL7 v2.5 ORU^R01 / OUL^R22 sender.
/// </summary>
public sealed partial record InstrumentProfile
{
    /// <summary>
    /// What MSH-18 <c>UNICODE</c> means: HL7 v2.5 Table 0211 names ISO/IEC 10646 without an encoding form; Mindray
    /// sends UTF-8 under that name. One of <c>UTF-8</c>, <c>8859/1</c>, <c>8859/5</c>.
    /// </summary>
    public string Hl7UnicodeCharset { get; init; } = "UTF-8";

    /// <summary>
    /// Field that gives a result's time when OBX-19 (date/time of the analysis) and OBX-14 (date/time of the
    /// observation) are empty, e.g. <c>OBR-7</c>; null for none. Mindray BC-5380 leaves both OBX fields empty.
    /// </summary>
    public string? Hl7ResultTimeFallbackField { get; init; }

    /// <summary>Largest MLLP block accepted, in bytes; a longer one is discarded and reported, never buffered without bound.</summary>
    public int Hl7MaxMessageSize { get; init; } = 4 * 1024 * 1024;
}
