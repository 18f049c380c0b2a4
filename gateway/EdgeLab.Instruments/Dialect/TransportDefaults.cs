namespace EdgeLab.Instruments.Dialect;

/// <summary>How a model is usually connected: a serial line (with its line settings) or TCP (client or server).</summary>
public sealed record TransportDefaults
{
    /// <summary><c>serial</c>, <c>tcp-client</c> (gateway connects) or <c>tcp-server</c> (instrument connects).</summary>
    public string Kind { get; init; } = "serial";
    public int Baud { get; init; } = 9600;
    public int DataBits { get; init; } = 8;
    /// <summary><c>none</c>, <c>even</c>, <c>odd</c>.</summary>
    public string Parity { get; init; } = "none";
    /// <summary>1 or 2.</summary>
    public int StopBits { get; init; } = 1;
    /// <summary><c>none</c>, <c>rts-cts</c>, <c>xon-xoff</c>.</summary>
    public string FlowControl { get; init; } = "none";
    /// <summary>TCP port, for the tcp kinds.</summary>
    public int? Port { get; init; }
}

/// <summary>
/// HL7 v2 positions for <c>protocol: hl7</c> profiles, as <c>SEG-n</c> or <c>SEG-n.c</c> (HL7 v2.5 §2.5 numbering).
/// Consumed by the HL7 message layer; the ASTM side ignores it.
/// </summary>
public sealed record Hl7Layout
{
    /// <summary>HL7 version the instrument sends, e.g. <c>2.3.1</c>.</summary>
    public string Version { get; init; } = "2.3.1";
    /// <summary>Where the specimen id sits, e.g. <c>OBR-3</c> (filler order number) or <c>SPM-2</c>.</summary>
    public string SpecimenId { get; init; } = "OBR-3";
    /// <summary>Tried when <see cref="SpecimenId"/> is empty, e.g. <c>OBR-2</c> or <c>SPM-2</c>.</summary>
    public string? AlternateSpecimenId { get; init; }
    public string PatientId { get; init; } = "PID-3";
    /// <summary>Where the test code sits, e.g. <c>OBX-3.1</c> (identifier) or <c>OBX-3.2</c> (text).</summary>
    public string TestCode { get; init; } = "OBX-3.1";
    /// <summary>MSH-11 processing ids that mean QC (e.g. <c>Q</c>, as Mindray sends for QC).</summary>
    public IReadOnlyList<string> QcProcessingIds { get; init; } = ["Q"];
    /// <summary>
    /// Other places an analyzer marks a QC message, as <c>SEG-n[.c]=VALUE</c> (a trailing <c>*</c> makes VALUE a
    /// prefix; case-insensitive), e.g. <c>MSH-16=2</c> (Mindray BS series: 0 sample, 1 calibration, 2 QC result),
    /// <c>OBR-4.1=QC*</c>, <c>PID-3=CONTROL*</c>. Any match makes the message QC.
    /// </summary>
    public IReadOnlyList<string> QcMarkers { get; init; } = [];
    /// <summary>The same for calibration messages, e.g. <c>MSH-16=1</c> (Mindray BS series).</summary>
    public IReadOnlyList<string> CalibrationMarkers { get; init; } = [];
    /// <summary>Character set when MSH-18 is empty; MSH-18 values map: <c>UNICODE</c> → UTF-8, <c>8859/5</c> → ISO-8859-5.</summary>
    public string DefaultCharset { get; init; } = "ASCII";
    /// <summary>Host query message the instrument sends: <c>QRY^Q02</c> (Mindray) or <c>QBP^Q11</c>.</summary>
    public string? HostQueryMessage { get; init; }
    /// <summary><c>original</c> or <c>enhanced</c> acknowledgement mode.</summary>
    public string AckMode { get; init; } = "original";
}
