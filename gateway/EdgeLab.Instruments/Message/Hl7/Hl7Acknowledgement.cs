namespace EdgeLab.Instruments.Message.Hl7;

/// <summary>Acknowledgement codes (HL7 v2.5 Table 0008), named as the standard names them.</summary>
public static class Hl7AckCode
{
    /// <summary>Original mode: application accept — the message is committed.</summary>
    public const string ApplicationAccept = "AA";
    /// <summary>Original mode: application error — not stored (store full / failed); the sender keeps it and retries.</summary>
    public const string ApplicationError = "AE";
    /// <summary>Original mode: application reject — unparseable or unsupported (it is still kept in quarantine).</summary>
    public const string ApplicationReject = "AR";
    /// <summary>Enhanced mode: commit accept — stored in safe storage (HL7 v2.5 §2.9.3.1).</summary>
    public const string CommitAccept = "CA";
    /// <summary>Enhanced mode: commit error — could not be stored.</summary>
    public const string CommitError = "CE";
    /// <summary>Enhanced mode: commit reject — MSH-9, MSH-11 or MSH-12 not acceptable, or the message not parseable.</summary>
    public const string CommitReject = "CR";
}

/// <summary>
/// Builds ACK messages (HL7 v2.5 §2.9.2 original mode, §2.9.3 enhanced mode) from the received MSH: sending and
/// receiving application/facility swapped, a new MSH-10, the same MSH-11, MSH-12 and MSH-18, MSA-2 = the received
/// MSH-10 (§2.15.8.2).
/// </summary>
internal static class Hl7Acknowledgement
{
    /// <summary>
    /// The ACK for <paramref name="received"/> (null when its MSH could not be read: the ACK then carries no MSA-2
    /// and the default delimiters). <paramref name="text"/> goes to MSA-3 and must not hold patient data.
    /// </summary>
    public static Hl7MessageBuilder Build(Hl7Header? received, Hl7Delimiters delimiters, string code, string? text,
        string controlId, DateTimeOffset now, TimeZoneInfo zone, string fallbackVersion = "2.5")
    {
        var b = new Hl7MessageBuilder(delimiters);
        var version = received is { Version.Length: > 0 } ? received.Version : fallbackVersion;
        // MSH-9: ACK^<event>, and from v2.4 on the message structure ACK as component 3 (HL7 v2.5 §2.15.9.9).
        var trigger = received?.TriggerEvent ?? "";
        var type = b.Components("ACK", b.Escape(trigger), IsAtLeast24(version) ? "ACK" : null);
        b.Header(
            received?.ReceivingApplication, // MSH-3 ← received MSH-5
            received?.ReceivingFacility, // MSH-4 ← received MSH-6
            received?.SendingApplication, // MSH-5 ← received MSH-3
            received?.SendingFacility, // MSH-6 ← received MSH-4
            Hl7MessageBuilder.Timestamp(now, zone), // MSH-7
            null, // MSH-8 security
            type, // MSH-9
            b.Escape(controlId), // MSH-10
            received is { ProcessingId.Length: > 0 } ? b.Escape(received.ProcessingId) : "P", // MSH-11
            b.Escape(version), // MSH-12
            null, null, // MSH-13 sequence number, MSH-14 continuation pointer
            code is Hl7AckCode.CommitAccept or Hl7AckCode.CommitError or Hl7AckCode.CommitReject ? "NE" : null, // MSH-15: no ack of an ack
            code is Hl7AckCode.CommitAccept or Hl7AckCode.CommitError or Hl7AckCode.CommitReject ? "NE" : null, // MSH-16
            null, // MSH-17 country
            received?.CharacterSet); // MSH-18 echoed
        // MSA-1 code, MSA-2 the received control id, MSA-3 text message.
        b.Segment("MSA", code, b.Escape(received?.ControlId), b.Escape(text));
        return b;
    }

    /// <summary>
    /// A general acknowledgement rejecting <paramref name="received"/> as a message this receiver does not take
    /// (HL7 v2.5 §2.9.2: MSA-1 <c>AR</c> when MSH-9 is not acceptable to the receiving application), with an ERR
    /// segment naming the Table 0357 condition: ERR-3 and ERR-4 severity <c>E</c> from v2.5 on, ERR-1 (error code
    /// and location, §2.15.5.1 of v2.4) before it.
    /// </summary>
    public static Hl7MessageBuilder Reject(Hl7Header received, Hl7Delimiters delimiters, int conditionCode, string conditionText, string? text,
        string controlId, DateTimeOffset now, TimeZoneInfo zone)
    {
        var b = Build(received, delimiters, Hl7AckCode.ApplicationReject, text, controlId, now, zone);
        var code = conditionCode.ToString(System.Globalization.CultureInfo.InvariantCulture);
        if (IsAtLeast25(received.Version))
        {
            b.Segment("ERR", null, null, b.Components(code, b.Escape(conditionText), "HL70357"), "E");
        }
        else
        {
            var sub = (char)delimiters.Subcomponent;
            b.Segment("ERR", b.Components(null, null, null, $"{code}{sub}{b.Escape(conditionText)}{sub}HL70357"));
        }
        return b;
    }

    private static bool IsAtLeast25(string version)
    {
        var parts = version.Split('.');
        return parts.Length >= 2 && int.TryParse(parts[0], out var major) && int.TryParse(parts[1], out var minor)
            && (major > 2 || (major == 2 && minor >= 5));
    }

    private static bool IsAtLeast24(string version)
    {
        var parts = version.Split('.');
        return parts.Length >= 2 && int.TryParse(parts[0], out var major) && int.TryParse(parts[1], out var minor)
            && (major > 2 || (major == 2 && minor >= 4));
    }
}
