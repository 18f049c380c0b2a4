namespace EdgeLab.Instruments.Detection;

/// <summary>What an analyzer speaks, as auto-detection tells it from the first bytes.</summary>
public enum DetectedProtocol
{
    Unknown,
    /// <summary>ASTM E1381 / LIS01-A2: ENQ bid, STX frames (LIS01-A2 §6).</summary>
    Astm,
    /// <summary>HL7 v2 in MLLP blocks: VT … FS CR (HL7 v2.5 Appendix C).</summary>
    Hl7Mllp,
    /// <summary>Plain text lines without ASTM or MLLP framing (a barcode reader, a printer port).</summary>
    Raw,
}
