using System.Globalization;

namespace EdgeLab.Simulator.Hl7;

/// <summary>
/// The messages the analyzer sends in a host-query exchange, field by field: the query itself (QRY^Q02 or QBP^Q11)
/// and the acknowledgement of a host answer that asks for one. Written from the standard and Mindray's manual, not
/// from the gateway's reader, so the interop tests check two readings against each other.
/// </summary>
internal static class Hl7QueryMessageBuilder
{
    /// <summary>QPD-1 message query name: IHE Laboratory Analytical Workflow "work order step" query (IHE LAW, LAB-27 QBP^Q11 by container id).</summary>
    public const string QbpQueryName = "WOS^Work Order Step^IHE_LABTF";

    public static Hl7Message Build(Hl7QueryRequest request, DateTimeOffset now) => request.Kind switch
    {
        Hl7QueryKind.QryQ02 => BuildQryQ02(request, now),
        _ => BuildQbpQ11(request, now),
    };

    /// <summary>
    /// Mindray-style sample request (Mindray BS-200 Host Interface Manual v1.2, "sample request"; the BC series sends
    /// the same): <c>QRY^Q02</c> with QRD and QRF, MSH-15/MSH-16 empty (original acknowledgement mode).
    /// </summary>
    public static Hl7Message BuildQryQ02(Hl7QueryRequest r, DateTimeOffset now)
    {
        var ts = Timestamp(now);
        return new Hl7Message(
        [
            Header(r, ts, "QRY^Q02"),
            // HL7 v2.3.1 §2.24.4 QRD: 1 query date/time; 2 query format code R record-oriented (Table 0106);
            // 3 query priority D deferred (Table 0091: the answer comes as DSR^Q03); 4 query id; 5, 6 deferred response
            // type and time (empty); 7 quantity limited request, records (Table 0126 RD — Mindray writes the unit alone);
            // 8 who subject filter = the sample barcode (Mindray's place for it); 9 what subject filter OTH (Table
            // 0048); 10, 11 empty; 12 query results level T full results (Table 0108).
            string.Join('|', "QRD", ts, "R", "D", Hl7Escaping.Escape(r.ControlId), "", "", "RD", Hl7Escaping.Escape(r.SpecimenId), "OTH", "", "", "T"),
            // HL7 v2.3.1 §2.24.5 QRF: 1 where subject filter = the analyzer; 2–5 empty; 6 which date/time qualifier RCT
            // specimen receipt (Table 0156); 7 which date/time status qualifier COR (Table 0157); 8 date/time selection
            // qualifier ALL (Table 0158) — the fixed values Mindray sends.
            string.Join('|', "QRF", Hl7Escaping.Escape(r.SendingApplication), "", "", "", "", "RCT", "COR", "ALL", ""),
        ]);
    }

    /// <summary>
    /// Query by parameter for the specimen's work order, original acknowledgement mode so the host answers RSP^K11
    /// directly (HL7 v2.5 §5.3.3.2 query profile template, MSH-15/MSH-16 blank → RSP^K11^RSP_K11).
    /// </summary>
    public static Hl7Message BuildQbpQ11(Hl7QueryRequest r, DateTimeOffset now) => new(
    [
        // MSH-9 with its message structure, required from v2.4 on (HL7 v2.5 §2.15.9.9).
        Header(r, Timestamp(now), "QBP^Q11^QBP_Q11"),
        // HL7 v2.5 §5.5.4 QPD: 1 message query name; 2 query tag (echoed in QAK-1); 3 the first user parameter =
        // the specimen (container) id, as IHE LAB-27 places it.
        string.Join('|', "QPD", QbpQueryName, Hl7Escaping.Escape(r.QueryTag), Hl7Escaping.Escape(r.SpecimenId)),
        // HL7 v2.5 §5.5.6 RCP: 1 query priority I immediate (Table 0091); 2 quantity limited request 1 record
        // (CQ, units Table 0126 RD); 3 response modality R real time (Table 0394).
        string.Join('|', "RCP", "I", "1^RD", "R"),
    ]);

    /// <summary>
    /// Acknowledges a host message that asks for it (HL7 v2.5 §2.9.2 original mode: MSA-1 AA, MSA-2 = its MSH-10;
    /// §2.9.3 enhanced mode: the accept acknowledgement CA). MSH-9 <c>ACK^&lt;its trigger&gt;</c>, so a DSR^Q03 gets the
    /// ACK^Q03 the Mindray manual shows; sending and receiving application swapped (§2.15.9).
    /// </summary>
    public static Hl7Message BuildAcknowledgement(Hl7AnswerHeader answer, string code, string controlId, DateTimeOffset now) => new(
    [
        string.Join('|', "MSH", "^~\\&", Hl7Escaping.Escape(answer.ReceivingApplication), Hl7Escaping.Escape(answer.ReceivingFacility),
            Hl7Escaping.Escape(answer.SendingApplication), Hl7Escaping.Escape(answer.SendingFacility), Timestamp(now), "",
            "ACK^" + Hl7Escaping.Escape(answer.TriggerEvent), Hl7Escaping.Escape(controlId), "P", Hl7Escaping.Escape(answer.Version)),
        string.Join('|', "MSA", code, Hl7Escaping.Escape(answer.ControlId)),
    ]);

    // HL7 v2.5 §2.15.9 MSH: 3 sending application, 4 sending facility, 5/6 receiving (empty: whoever listens), 7 date/time,
    // 8 security, 9 type, 10 control id, 11 processing id P production (Table 0103), 12 version.
    private static string Header(Hl7QueryRequest r, string ts, string type) => string.Join('|',
        "MSH", "^~\\&", Hl7Escaping.Escape(r.SendingApplication), "EdgeLabSim", "", "", ts, "", type, Hl7Escaping.Escape(r.ControlId), "P",
        Hl7Escaping.Escape(r.Version));

    /// <summary>HL7 TS to the second (§2.A.77); analyzers send their local time without offset.</summary>
    private static string Timestamp(DateTimeOffset now) => now.ToString("yyyyMMddHHmmss", CultureInfo.InvariantCulture);
}
