namespace EdgeLab.Instruments.Message;

/// <summary>
/// How urgent the order behind a result is, as the analyzer echoes it: LIS02-A2 §9.4.6 (O.6: S stat, A ASAP,
/// R routine), HL7 v2.5 OBR-27.6 / ORC-7.6 (TQ component 6, §4.5.3.27 / §4.5.1.7, Table 0027) or TQ1-9
/// (§4.5.4.9, Table 0485). STAT results jump the gateway's outbox and the hub's ingest queue. On the wire
/// (<c>ResultMessage.priority</c>) routine is left out, so a message without the field is routine.
/// </summary>
public static class ResultPriority
{
    public const string Stat = "stat";
    public const string Asap = "asap";
    public const string Routine = "routine";

    /// <summary>The wire value for a one-letter priority code (S, A; anything else is routine → null).</summary>
    public static string? FromCode(ReadOnlySpan<byte> code) => FromTrimmed(code.Trim((byte)' '));

    private static string? FromTrimmed(ReadOnlySpan<byte> code) =>
        code.SequenceEqual("S"u8) || code.SequenceEqual("s"u8) ? Stat
        : code.SequenceEqual("A"u8) || code.SequenceEqual("a"u8) ? Asap
        : null;

    /// <summary>The more urgent of two (stat over asap over routine/null).</summary>
    public static string? Max(string? a, string? b) =>
        a == Stat || b == Stat ? Stat : a == Asap || b == Asap ? Asap : null;
}
