namespace EdgeLab.Instruments.Detection;

/// <summary>
/// Tells from an analyzer's first bytes which protocol it speaks, without answering it: ENQ (LIS01-A2 §6.2.1) or an
/// STX frame with its frame number (§6.3.1, an analyzer caught mid-message) is ASTM; VT (HL7 v2.5 Appendix C.4.2) is
/// MLLP; a line of text ended by CR or LF with neither is raw. Noise before the first landmark (line glitches, NULs
/// from a cable being plugged in) is skipped.
/// </summary>
internal static class ProtocolSniffer
{
    /// <summary>The protocol and where its first byte is; Unknown while more bytes are needed.</summary>
    public static (DetectedProtocol Protocol, int Start) Classify(ReadOnlySpan<byte> heard)
    {
        var textStart = -1;
        for (var i = 0; i < heard.Length; i++)
        {
            var b = heard[i];
            switch (b)
            {
                case 0x05:
                    return (DetectedProtocol.Astm, i);
                case 0x02 when i + 1 < heard.Length && heard[i + 1] is >= (byte)'0' and <= (byte)'7':
                    return (DetectedProtocol.Astm, i);
                case 0x0B:
                    return (DetectedProtocol.Hl7Mllp, i);
                case 0x0D or 0x0A when textStart >= 0:
                    return (DetectedProtocol.Raw, textStart);
                case >= 0x20 and <= 0x7E or >= 0xA0:
                    if (textStart < 0) textStart = i;
                    break;
            }
        }
        return (DetectedProtocol.Unknown, 0);
    }
}
