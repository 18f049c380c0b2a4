namespace EdgeLab.Instruments.Dialect.Decode;

/// <summary>What the <c>decode</c> command was asked to do.</summary>
/// <param name="Profile">Profile name, e.g. <c>sysmex-xn</c>.</param>
/// <param name="File">Capture file: wire bytes (ENQ/STX frames/EOT) or records one per line; HL7 as MLLP blocks or segments.</param>
/// <param name="ProfilesDirectory">Where the profiles are; null finds <c>firmware-config/instruments</c> near the executable or current directory.</param>
/// <param name="TimeZone">IANA id of the site's time zone; null uses the machine's.</param>
internal sealed record DecodeOptions(string Profile, string File, string? ProfilesDirectory = null, string? TimeZone = null);

/// <summary>Exit codes of <c>decode</c>.</summary>
internal static class DecodeExitCodes
{
    public const int Ok = 0;
    /// <summary>The capture is malformed (the message on stderr says what and where).</summary>
    public const int BadInput = 1;
    /// <summary>Usage or configuration problem: unknown profile, invalid profiles, missing file, unknown time zone.</summary>
    public const int Usage = 2;
}
