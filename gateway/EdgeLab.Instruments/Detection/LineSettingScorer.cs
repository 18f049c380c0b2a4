using EdgeLab.Instruments.Transport;

namespace EdgeLab.Instruments.Detection;

/// <summary>How well a run of bytes read at one line setting looks like an analyzer talking at that setting.</summary>
/// <param name="Setting">The setting the bytes were read at, with the framing the bytes point to (8N1, 7E1 or 7O1).</param>
/// <param name="Plausibility">0..1: the share of bytes (after the framing's parity bit is removed) that an analyzer sends.</param>
/// <param name="Markers">Protocol landmarks seen: ENQ, EOT, STX + frame digit, ETX/ETB + checksum, VT + MSH, record starts, CR LF.</param>
/// <param name="Garbage">NUL bytes (termios reads a framing or parity error as NUL) and bytes no analyzer sends.</param>
/// <param name="Protocol">What the landmarks point to.</param>
public sealed record LineEvidence(LineSetting Setting, double Plausibility, int Bytes, int Markers, int Garbage, DetectedProtocol Protocol)
{
    /// <summary>
    /// Enough to settle on this setting: at least one landmark, nothing a wrong rate produces (no NUL), and nearly
    /// every byte plausible. A lone ENQ qualifies: LIS01-A2 §6.2 has the analyzer bid with ENQ and wait for us.
    /// </summary>
    public bool IsConvincing => Markers >= 1 && Plausibility >= 0.95 && Bytes > 0 && Garbage == 0;

    /// <summary>0..1, for the report: how much evidence backs the decision.</summary>
    public double Confidence => Bytes == 0 ? 0 : Math.Round(Plausibility * (1 - Math.Pow(0.5, Markers)), 3);
}

/// <summary>
/// Scores bytes read from a serial line at one rate and 8N1 (the port is opened 8N1 while listening; a 7E1 or 7O1
/// sender's frame has the same length, 10 bits, so its parity bit shows up as bit 7 of every byte). A sender at
/// another rate gives "framing garbage" (see the tests' UART model): NULs where the kernel saw a framing error
/// (termios without IGNPAR/PARMRK), stray high bytes and control characters, and none of ASTM's or MLLP's landmarks.
/// </summary>
/// <remarks>
/// Why these landmarks: LIS01-A2 §6.2 (ENQ bid, EOT end), §6.3.1 (STX, frame number 0–7, ETX/ETB, two hex checksum
/// characters, CR LF), LIS02-A2 §6.1 (records start "H|", "P|", "O|", "R|", "L|"), HL7 v2.5 Appendix C (MLLP VT, FS CR).
/// </remarks>
public static class LineSettingScorer
{
    private static readonly (int DataBits, SerialParity Parity)[] Framings =
        [(8, SerialParity.None), (7, SerialParity.Even), (7, SerialParity.Odd)];

    /// <summary>The best framing reading of <paramref name="readAt8N1"/>, which was read at <paramref name="baud"/> 8N1.</summary>
    public static LineEvidence Score(ReadOnlySpan<byte> readAt8N1, int baud)
    {
        LineEvidence? best = null;
        foreach (var (bits, parity) in Framings)
        {
            var e = Score(readAt8N1, new LineSetting(baud, bits, parity, 1));
            // Ties go to the earlier framing: 8N1 is LIS01-A2 §5's default.
            if (best is null || Rank(e) > Rank(best)) best = e;
        }
        return best!;
    }

    /// <summary>Of the readings at several rates, the convincing one that explains the bytes best; null if none convinces.</summary>
    public static LineEvidence? Decide(IEnumerable<LineEvidence> readings) =>
        readings.Where(e => e.IsConvincing).OrderByDescending(Rank).FirstOrDefault();

    private static double Rank(LineEvidence e) => e.Plausibility + (0.01 * Math.Min(e.Markers, 5)) - (e.Garbage > 0 ? 0.5 : 0);

    /// <summary>Scores the bytes as if the sender used <paramref name="framing"/> (bytes read 8N1).</summary>
    public static LineEvidence Score(ReadOnlySpan<byte> readAt8N1, LineSetting framing)
    {
        if (readAt8N1.IsEmpty) return new LineEvidence(framing, 0, 0, 0, 0, DetectedProtocol.Unknown);
        Span<byte> decoded = readAt8N1.Length <= 4096 ? stackalloc byte[readAt8N1.Length] : new byte[readAt8N1.Length];
        var parityErrors = Decode(readAt8N1, framing, decoded);
        double plausible = 0;
        var garbage = parityErrors;
        foreach (var b in decoded)
        {
            var w = Weight(b, framing.DataBits);
            plausible += w;
            if (w == 0) garbage++;
        }
        var (markers, protocol) = Landmarks(decoded);
        var total = decoded.Length;
        return new LineEvidence(framing, Math.Round((plausible - parityErrors) / total, 4), total, markers, garbage, protocol);
    }

    /// <summary>Removes the parity bit of a 7-bit framing; counts bytes whose parity bit is wrong for it.</summary>
    internal static int Decode(ReadOnlySpan<byte> read, LineSetting framing, Span<byte> into)
    {
        var errors = 0;
        for (var i = 0; i < read.Length; i++)
        {
            var b = read[i];
            if (framing.DataBits == 8)
            {
                into[i] = b;
                continue;
            }
            var low = (byte)(b & 0x7F);
            var ones = System.Numerics.BitOperations.PopCount(low);
            var parityBit = (b >> 7) & 1;
            var expected = framing.Parity == SerialParity.Even ? ones & 1 : (ones & 1) ^ 1;
            if (parityBit != expected) errors++;
            into[i] = low;
        }
        return errors;
    }

    /// <summary>How plausible one byte is from an analyzer: 1 text and link controls, 0.5 8-bit text, 0 garbage.</summary>
    private static double Weight(byte b, int dataBits) => b switch
    {
        >= 0x20 and <= 0x7E => 1,
        0x0D or 0x0A or 0x09 => 1,
        0x02 or 0x03 or 0x04 or 0x05 or 0x06 or 0x15 or 0x17 or 0x0B or 0x1C => 1,
        // UTF-8, Latin-1 or windows-1251 names (patient names, Cyrillic): plausible, but also what a wrong rate makes.
        >= 0xA0 when dataBits == 8 => 0.5,
        >= 0x80 and < 0xA0 when dataBits == 8 => 0.25,
        _ => 0,
    };

    private static (int Markers, DetectedProtocol Protocol) Landmarks(ReadOnlySpan<byte> d)
    {
        int astm = 0, mllp = 0, text = 0;
        for (var i = 0; i < d.Length; i++)
        {
            var b = d[i];
            var next = i + 1 < d.Length ? d[i + 1] : -1;
            var prev = i > 0 ? d[i - 1] : -1;
            switch (b)
            {
                // A lone ENQ or EOT (the analyzer bids, waits, gives up): nothing else on the line around it.
                case 0x05 or 0x04 when (prev is -1 or 0x04 or 0x05 or 0x0A) && (next is -1 or 0x04 or 0x05 or 0x02):
                    astm++;
                    break;
                case 0x02 when next is >= '0' and <= '7':
                    astm++;
                    break;
                case 0x03 or 0x17 when i + 2 < d.Length && IsHex(d[i + 1]) && IsHex(d[i + 2]):
                    astm++;
                    break;
                case 0x0B when d[(i + 1)..].StartsWith("MSH"u8):
                    mllp++;
                    break;
                case 0x1C when next == 0x0D:
                    mllp++;
                    break;
                case 0x0D when next == 0x0A:
                    text++;
                    break;
            }
        }
        var protocol = astm > 0 ? DetectedProtocol.Astm : mllp > 0 ? DetectedProtocol.Hl7Mllp : text > 0 ? DetectedProtocol.Raw : DetectedProtocol.Unknown;
        return (astm + mllp + text, protocol);
    }

    private static bool IsHex(byte b) => b is (>= (byte)'0' and <= (byte)'9') or (>= (byte)'A' and <= (byte)'F');
}
