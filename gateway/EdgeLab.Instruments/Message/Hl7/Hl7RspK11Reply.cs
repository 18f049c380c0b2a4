using EdgeLab.Instruments.HostQuery;

namespace EdgeLab.Instruments.Message.Hl7;

/// <summary>
/// The answer to QBP^Q11 (HL7 v2.5 §5.3.1 query by parameter, segment pattern response RSP^K11 §5.3.2): MSA, QAK
/// (QAK-1 the query tag from QPD-2, QAK-2 <c>OK</c> or <c>NF</c> "no data found", QAK-3 the query name from QPD-1),
/// QPD echoed, then the order: PID, SPM, and per test ORC (NW new order, Table 0119) + OBR.
/// </summary>
internal static class Hl7RspK11Reply
{
    public static Hl7MessageBuilder Build(Hl7HostQuery query, Hl7Message message, CachedOrder? order,
        IReadOnlyList<string> testCodes, string controlId, DateTimeOffset now, TimeZoneInfo zone)
    {
        var h = query.Header;
        var b = new Hl7MessageBuilder(message.Delimiters);
        var found = order is not null && testCodes.Count > 0;
        b.Header(h.ReceivingApplication, h.ReceivingFacility, h.SendingApplication, h.SendingFacility,
            Hl7MessageBuilder.Timestamp(now, zone), null, b.Components("RSP", "K11", "RSP_K11"), b.Escape(controlId),
            h.ProcessingId.Length > 0 ? b.Escape(h.ProcessingId) : "P", h.Version.Length > 0 ? b.Escape(h.Version) : "2.5",
            null, null, null, null, null, h.CharacterSet);
        b.Segment("MSA", Hl7AckCode.ApplicationAccept, b.Escape(h.ControlId));
        var qpd = query.QuerySegment;
        // QAK-4..6: hits in the whole result, in this payload, remaining (HL7 v2.5 §5.5.2).
        var hits = found ? "1" : "0";
        b.Segment("QAK", qpd.Field(2).RawText, found ? "OK" : "NF", qpd.Field(1).RawText, hits, hits, "0");
        b.Copy(qpd, message.Encoding);
        if (!found) return b;

        var o = order!;
        b.Segment("PID", "1", null, b.Escape(o.PatientId), null,
            b.Components(b.Escape(o.PatientFamilyName), b.Escape(o.PatientGivenName)), null,
            o.PatientBirthDate?.ToString("yyyyMMdd", System.Globalization.CultureInfo.InvariantCulture),
            Hl7QryQ02Reply.Sex(o.PatientSex));
        // SPM-2 specimen id (EIP: placer ^ filler), SPM-4 specimen type, SPM-17 collection time.
        b.Segment("SPM", "1", b.Escape(o.SpecimenId), null, b.Escape(o.SpecimenType), null, null, null, null, null, null,
            null, null, null, null, null, null,
            o.CollectedAt is { } at ? Hl7MessageBuilder.Timestamp(at, zone) : null);
        var priority = o.Priority.Equals("stat", StringComparison.OrdinalIgnoreCase) ? "S" : "R";
        var i = 1;
        foreach (var code in testCodes)
        {
            // ORC-1 NW, ORC-2 placer order number; OBR-2 placer, OBR-3 the specimen id (where analyzers look for it),
            // OBR-4 universal service id = the analyzer's test code, OBR-5 priority (S stat, R routine).
            b.Segment("ORC", "NW", b.Escape(o.OrderId));
            b.Segment("OBR", i++.ToString(System.Globalization.CultureInfo.InvariantCulture), b.Escape(o.OrderId), b.Escape(o.SpecimenId),
                b.Components(b.Escape(code)), priority);
        }
        return b;
    }
}
