using EdgeLab.Instruments.HostQuery;

namespace EdgeLab.Instruments.Message.Hl7;

/// <summary>
/// The answer to a Mindray-style QRY^Q02 sample request, as the Mindray BS-200/BS-220/BS-120 Host Interface Manual
/// (v1.2, 2009, "sample request" communication process) describes it and BS/BC-series LIS integrations implement it:
/// the host replies QCK^Q02 at once (QAK-2 <c>OK</c> when it has the sample, <c>NF</c> when not), then, when found,
/// sends DSR^Q03 carrying the order as DSP lines; the analyzer answers that with ACK^Q03 (not acknowledged in turn).
/// </summary>
/// <remarks>
/// DSP layout (DSP-1 set id, DSP-3 data line), as in the manual's table: 1 patient id (admission number), 3 patient
/// name, 4 birth date (YYYYMMDDHHMMSS), 5 sex (M/F/O), 21 sample barcode, 24 STAT (Y/N), 26 sample type,
/// 29 onwards one line per test (<c>code^^^</c>). Lines the gateway has no data for are sent empty so the numbering
/// holds. QRD and QRF are echoed from the query.
/// </remarks>
internal static class Hl7QryQ02Reply
{
    /// <summary>QCK^Q02, then DSR^Q03 when <paramref name="testCodes"/> is not empty.</summary>
    public static IReadOnlyList<Hl7MessageBuilder> Build(Hl7HostQuery query, Hl7Message message, CachedOrder? order,
        IReadOnlyList<string> testCodes, Func<string> nextControlId, DateTimeOffset now, TimeZoneInfo zone)
    {
        var found = order is not null && testCodes.Count > 0;
        var h = query.Header;
        var d = message.Delimiters;
        var qck = Start(h, d, "QCK^Q02", nextControlId(), now, zone);
        qck.Segment("ERR", "0");
        qck.Segment("QAK", "SR", found ? "OK" : "NF");
        if (!found) return [qck];

        var dsr = Start(h, d, "DSR^Q03", nextControlId(), now, zone);
        dsr.Segment("ERR", "0");
        dsr.Segment("QAK", "SR", "OK");
        dsr.Copy(query.QuerySegment, message.Encoding);
        if (query.FilterSegment is { } qrf) dsr.Copy(qrf, message.Encoding);
        var lines = new string?[29];
        lines[1] = order!.PatientId;
        lines[3] = string.Join(' ', new[] { order.PatientFamilyName, order.PatientGivenName }.Where(s => !string.IsNullOrWhiteSpace(s)));
        lines[4] = order.PatientBirthDate?.ToString("yyyyMMdd", System.Globalization.CultureInfo.InvariantCulture) + (order.PatientBirthDate is null ? "" : "000000");
        lines[5] = Sex(order.PatientSex);
        lines[21] = order.SpecimenId;
        lines[24] = order.Priority.Equals("stat", StringComparison.OrdinalIgnoreCase) ? "Y" : "N";
        lines[26] = order.SpecimenType;
        var n = 1;
        for (; n <= 28; n++) dsr.Segment("DSP", N(n), null, dsr.Escape(lines[n]));
        foreach (var code in testCodes) dsr.Segment("DSP", N(n++), null, dsr.Components(dsr.Escape(code), "", "", ""));
        // DSC-1 continuation pointer: empty, everything was sent.
        dsr.Segment("DSC", "");
        return [qck, dsr];
    }

    private static Hl7MessageBuilder Start(Hl7Header h, Hl7Delimiters d, string type, string controlId, DateTimeOffset now, TimeZoneInfo zone)
    {
        var b = new Hl7MessageBuilder(d);
        b.Header(h.ReceivingApplication, h.ReceivingFacility, h.SendingApplication, h.SendingFacility,
            Hl7MessageBuilder.Timestamp(now, zone), null, type, b.Escape(controlId),
            h.ProcessingId.Length > 0 ? b.Escape(h.ProcessingId) : "P", h.Version.Length > 0 ? b.Escape(h.Version) : "2.3.1",
            null, null, null, null, null, h.CharacterSet);
        // MSA-6 error condition 0 = message accepted (HL7 v2.3.1 MSA, Mindray's manual).
        b.Segment("MSA", Hl7AckCode.ApplicationAccept, b.Escape(h.ControlId), "Message accepted", null, null, "0");
        return b;
    }

    internal static string? Sex(string? sex) => sex?.Trim().ToUpperInvariant() switch
    {
        null or "" => null,
        "M" or "MALE" => "M",
        "F" or "FEMALE" => "F",
        "U" or "UNKNOWN" => "U",
        _ => "O",
    };

    private static string N(int n) => n.ToString(System.Globalization.CultureInfo.InvariantCulture);
}
