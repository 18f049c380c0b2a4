using EdgeLab.Instruments.Dialect;

namespace EdgeLab.Instruments.Message.Hl7;

/// <summary>What <see cref="Hl7MessageDecoder.Decode(ReadOnlyMemory{byte}, InstrumentProfile, TimeZoneInfo)"/> gives: the message, or the typed error.</summary>
public sealed record Hl7DecodeResult
{
    public DecodedMessage? Message { get; init; }
    public Hl7Error? Error { get; init; }
    /// <summary>The MSH as read, when the header at least could be parsed (null for a message without a usable MSH).</summary>
    public Hl7Header? Header { get; init; }

    public bool Succeeded => Message is not null;
}

/// <summary>
/// One-shot decoding of one HL7 v2 message (no MLLP framing) for a dialect profile: used by the MLLP session and by
/// the <c>decode</c> command. Result messages only: ORU^R01 and OUL^R22.
/// </summary>
public static class Hl7MessageDecoder
{
    /// <summary>Decodes a result message; never throws for bad input (the error says what and where).</summary>
    public static Hl7DecodeResult Decode(ReadOnlySpan<byte> message, InstrumentProfile profile, TimeZoneInfo siteZone) =>
        Decode(new ReadOnlyMemory<byte>(message.ToArray()), profile, siteZone);

    /// <inheritdoc cref="Decode(ReadOnlySpan{byte}, InstrumentProfile, TimeZoneInfo)"/>
    public static Hl7DecodeResult Decode(ReadOnlyMemory<byte> message, InstrumentProfile profile, TimeZoneInfo siteZone) =>
        Decode(message, Hl7DialectSettings.From(profile), profile.ResolveTimeZone(siteZone));

    /// <summary>Decodes with settings resolved once (<see cref="Hl7DialectSettings.From"/>); for callers decoding many messages.</summary>
    public static Hl7DecodeResult Decode(ReadOnlyMemory<byte> message, Hl7DialectSettings dialect, TimeZoneInfo instrumentZone)
    {
        Hl7Header? header = null;
        try
        {
            var parsed = Parse(message, dialect);
            header = Hl7Header.Read(parsed);
            return new Hl7DecodeResult { Message = DecodeResults(parsed, header, dialect, instrumentZone), Header = header };
        }
        catch (Hl7Exception e)
        {
            return new Hl7DecodeResult { Error = e.Error, Header = header };
        }
    }

    /// <summary>Parses the structure with the profile's character-set rules. Throws only <see cref="Hl7Exception"/>.</summary>
    public static Hl7Message Parse(ReadOnlyMemory<byte> message, Hl7DialectSettings dialect) =>
        Hl7Message.Parse(message, dialect.ResolveCharacterSet);

    /// <summary>ORU^R01 / OUL^R22 to a decoded message; any other type is <see cref="Hl7ErrorKind.UnsupportedMessageType"/>.</summary>
    public static DecodedMessage DecodeResults(Hl7Message message, Hl7Header header, Hl7DialectSettings dialect, TimeZoneInfo instrumentZone)
    {
        if (!Hl7MessageTypes.IsResult(header))
            throw new Hl7Exception(new Hl7Error(Hl7ErrorKind.UnsupportedMessageType,
                $"message type '{header.MessageType}' is not a result message (ORU^R01, OUL^R22)", 1, "MSH", 9, message.Header.Field(9).Offset));
        return Hl7ResultDecoder.Decode(message, header, dialect, instrumentZone);
    }
}

/// <summary>The message types the gateway handles (HL7 v2.5 Table 0076 message type, Table 0003 event).</summary>
internal static class Hl7MessageTypes
{
    public static bool IsResult(Hl7Header h) =>
        (h.MessageCode == "ORU" && h.TriggerEvent == "R01") || (h.MessageCode == "OUL" && h.TriggerEvent == "R22");

    /// <summary>Mindray-style sample query (HL7 v2.3.1 §2.24 original-mode query, QRY^Q02 "query sent for deferred response").</summary>
    public static bool IsQryQ02(Hl7Header h) => h.MessageCode == "QRY" && h.TriggerEvent == "Q02";

    /// <summary>Query by parameter for a specimen's work order (HL7 v2.5 §5.3, QBP^Q11 → RSP^K11).</summary>
    public static bool IsQbpQ11(Hl7Header h) => h.MessageCode == "QBP" && h.TriggerEvent == "Q11";

    /// <summary>Acknowledgements are never acknowledged (HL7 v2.5 §2.9.2).</summary>
    public static bool IsAcknowledgement(Hl7Header h) => h.MessageCode is "ACK" or "MCF";
}
