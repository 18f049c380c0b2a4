namespace EdgeLab.Instruments.Dialect;

/// <summary>
/// One analyzer model's dialect, loaded from <c>firmware-config/instruments/{name}.yaml</c>: how it frames, where its
/// specimen id and test codes sit, how it marks QC, its encoding and known quirks. A new analyzer is a new file, not code.
/// </summary>
/// <remarks>The core fields below are what the link layers need; the dialect layer extends this type with the rest.</remarks>
public sealed partial record InstrumentProfile
{
    /// <summary>File name without extension, e.g. <c>sysmex-xn</c>; travels on the wire as <c>profile</c>.</summary>
    public required string Name { get; init; }
    public string? Description { get; init; }
    /// <summary><c>astm</c> or <c>hl7</c>.</summary>
    public required string Protocol { get; init; }
    /// <summary>
    /// Largest frame the instrument sends or accepts, in bytes from STX to LF: 247 for E1381-95 instruments,
    /// 64,000 for LIS01-A2 ones (LIS01-A2 §6.3.1). Longer records are split into ETB frames when sending.
    /// </summary>
    public int MaxFrameSize { get; init; } = 247;
    /// <summary>Character encoding of the record text (e.g. <c>latin1</c>, <c>utf-8</c>, <c>windows-1251</c>).</summary>
    public string Encoding { get; init; } = "latin1";
    /// <summary>Whether the instrument sends host queries (ASTM Q record, HL7 QRY/QBP) that the gateway must answer.</summary>
    public bool HostQuery { get; init; }
    /// <summary>Tolerate frames that end in LF only or CR only (seen in real captures) instead of NAKing them.</summary>
    public bool TolerateBareLineEnds { get; init; }
}
