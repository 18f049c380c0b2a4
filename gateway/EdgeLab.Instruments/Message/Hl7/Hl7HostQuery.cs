namespace EdgeLab.Instruments.Message.Hl7;

/// <summary>An analyzer's host query, read from QRY^Q02 or QBP^Q11: which specimen it is about.</summary>
internal sealed record Hl7HostQuery(Hl7Header Header, string SpecimenId, Hl7Segment QuerySegment, Hl7Segment? FilterSegment)
{
    /// <summary>
    /// QRY^Q02: the sample barcode is QRD-8 "who subject filter" (Mindray BS-200 Host Interface Manual v1.2, sample
    /// request; HL7 v2.3.1 §2.24.4). QBP^Q11: the specimen (container) id is QPD-3 (HL7 v2.5 §5.5.4; IHE LAW uses the
    /// same place). Throws <see cref="Hl7Exception"/> when the segment or the id is missing.
    /// </summary>
    public static Hl7HostQuery Read(Hl7Message message, Hl7Header header)
    {
        if (Hl7MessageTypes.IsQryQ02(header))
        {
            var qrd = message.Find("QRD"u8) ?? throw Missing(message, "QRD");
            var id = qrd.Field(8).Component(1);
            if (id.IsEmpty || id.IsNull)
                throw new Hl7Exception(new Hl7Error(Hl7ErrorKind.MissingField, "QRD-8 (sample barcode) is empty", qrd.Index, "QRD", 8, id.Offset));
            return new Hl7HostQuery(header, id.ToString().Trim(), qrd, message.Find("QRF"u8));
        }
        if (Hl7MessageTypes.IsQbpQ11(header))
        {
            var qpd = message.Find("QPD"u8) ?? throw Missing(message, "QPD");
            var id = qpd.Field(3).Component(1);
            if (id.IsEmpty || id.IsNull)
                throw new Hl7Exception(new Hl7Error(Hl7ErrorKind.MissingField, "QPD-3 (specimen id) is empty", qpd.Index, "QPD", 3, id.Offset));
            return new Hl7HostQuery(header, id.ToString().Trim(), qpd, null);
        }
        throw new Hl7Exception(new Hl7Error(Hl7ErrorKind.UnsupportedMessageType, $"'{header.MessageType}' is not a host query", 1, "MSH", 9));
    }

    private static Hl7Exception Missing(Hl7Message message, string id) =>
        new(new Hl7Error(Hl7ErrorKind.MissingSegment, $"the query has no {id} segment", message.SegmentCount, null, 0, message.Bytes.Length));
}
