using System.Globalization;
using System.Text;

namespace EdgeLab.Simulator.Hl7;

/// <summary>
/// Reads one message of the host's answer to a query (the payload of one MLLP block): QCK^Q02 and DSR^Q03 for a
/// Mindray-style QRY^Q02, RSP^K11 for QBP^Q11, or a general ACK refusing either. Pure: text in, a
/// <see cref="Hl7QueryAnswer"/> out, or an <see cref="Hl7AnswerException"/> naming the segment and field at fault.
/// </summary>
internal static class Hl7AnswerParser
{
    /// <summary>DSR^Q03 DSP line numbers (DSP-1) of the Mindray BS-200 Host Interface Manual v1.2 sample-request answer.</summary>
    public const int DspPatientId = 1, DspPatientName = 3, DspBirthDate = 4, DspSex = 5, DspBarcode = 21, DspStat = 24, DspSampleType = 26, DspFirstTest = 29;

    /// <summary>
    /// The payload's text: latin1 byte for byte unless MSH-18 says UTF-8 (HL7 v2.5 Table 0211 <c>UNICODE UTF-8</c>;
    /// Mindray writes <c>UNICODE</c> and means UTF-8), so names survive in either.
    /// </summary>
    public static string Decode(ReadOnlySpan<byte> payload)
    {
        var latin1 = Encoding.Latin1.GetString(payload);
        var msh = latin1.Split('\r', '\n')[0];
        var enc = Hl7EncodingCharacters.FromHeader(msh);
        if (enc is null) return latin1;
        var charset = new Hl7AnswerSegment(msh, 1, enc).Text(18).Trim().ToUpperInvariant();
        return charset is "UNICODE UTF-8" or "UTF-8" or "UNICODE" ? Encoding.UTF8.GetString(payload) : latin1;
    }

    public static Hl7QueryAnswer Parse(string text, Hl7QueryRequest request)
    {
        var lines = text.Split(['\r', '\n'], StringSplitOptions.RemoveEmptyEntries);
        var enc = lines.Length > 0 ? Hl7EncodingCharacters.FromHeader(lines[0]) : null;
        if (enc is null)
            throw new Hl7AnswerException("MSH", 0, "the answer does not start with an MSH segment (MSH-1 field separator, MSH-2 encoding characters)");
        var segments = lines.Select((l, i) => new Hl7AnswerSegment(l, i + 1, enc)).ToList();
        var header = Hl7AnswerHeader.Read(segments[0]);
        var type = header.MessageType;
        if (header.MessageCode.Length == 0)
            throw new Hl7AnswerException("MSH", 9, "MSH-9 (message type) of the answer is empty");

        var msa = Find(segments, "MSA") ?? throw new Hl7AnswerException("MSA", 0, $"the answer {type} has no MSA segment (MSA-1 acknowledgement code)");
        var ack = msa.Text(1);
        if (ack is not ("AA" or "AE" or "AR" or "CA" or "CE" or "CR"))
            throw new Hl7AnswerException("MSA", 1, $"MSA-1 '{ack}' of {type} is not an acknowledgement code (HL7 Table 0008: AA, AE, AR, CA, CE, CR)");
        // HL7 v2.5 §2.15.8.2: MSA-2 is the control id of the message acknowledged; another one answers someone else.
        if (msa.Text(2) != request.ControlId)
            throw new Hl7AnswerException("MSA", 2, $"MSA-2 '{msa.Text(2)}' of {type} does not acknowledge this query (its MSH-10 is '{request.ControlId}')");
        var answer = new Hl7QueryAnswer { Outcome = Hl7AnswerOutcome.Refused, Header = header, AckCode = ack, AckText = NullIfEmpty(msa.Text(3)) };
        if (ack is not ("AA" or "CA")) return Refusal(answer, segments);

        var qak = Find(segments, "QAK");
        var status = qak?.Text(2);
        answer = answer with { QueryStatus = status };
        var expected = request.Kind == Hl7QueryKind.QryQ02 ? "QCK^Q02, DSR^Q03 or ACK" : "RSP^K11 or ACK";
        if (header.MessageCode == "ACK")
            throw new Hl7AnswerException("MSA", 1, $"{type} accepts the query (MSA-1 {ack}) but answers nothing: expected {expected}");
        var outcome = (request.Kind, type) switch
        {
            (Hl7QueryKind.QryQ02, "QCK^Q02") or (Hl7QueryKind.QryQ02, "DSR^Q03") or (Hl7QueryKind.QbpQ11, "RSP^K11") => Status(qak, type),
            _ => throw new Hl7AnswerException("MSH", 9, $"MSH-9 '{type}' is not an answer to {request.Kind.MessageType()}: expected {expected}"),
        };
        if (request.Kind == Hl7QueryKind.QbpQ11 && qak!.Text(1) != request.QueryTag)
            throw new Hl7AnswerException("QAK", 1, $"QAK-1 '{qak.Text(1)}' of {type} does not echo the query tag '{request.QueryTag}' (QPD-2)");
        answer = answer with { AcknowledgeWith = AcknowledgementFor(header) };
        if (outcome != Hl7AnswerOutcome.Order) return answer with { Outcome = outcome };
        if (type == "QCK^Q02") return answer with { Outcome = Hl7AnswerOutcome.OrderFollows };
        return type == "DSR^Q03" ? ReadDsr(answer, segments, request) : ReadRsp(answer, segments, request);
    }

    /// <summary>
    /// Which acknowledgement the analyzer owes: enhanced mode (MSH-15 valued, HL7 v2.5 §2.9.3) the accept
    /// acknowledgement CA when MSH-15 is AL or SU (the message was accepted); original mode only DSR^Q03, which the
    /// Mindray manual has the analyzer answer with ACK^Q03 AA. QCK^Q02 and RSP^K11 are themselves responses.
    /// </summary>
    public static string? AcknowledgementFor(Hl7AnswerHeader header) => header.AcceptAckType switch
    {
        "AL" or "SU" => "CA",
        "" => header.MessageType == "DSR^Q03" ? "AA" : null,
        _ => null,
    };

    private static Hl7AnswerOutcome Status(Hl7AnswerSegment? qak, string type)
    {
        if (qak is null)
            throw new Hl7AnswerException("QAK", 0, $"{type} has no QAK segment (QAK-2 query response status)");
        return qak.Text(2) switch
        {
            "OK" => Hl7AnswerOutcome.Order,
            "NF" => Hl7AnswerOutcome.NothingKnown,
            "AE" or "AR" => Hl7AnswerOutcome.Refused,
            var other => throw new Hl7AnswerException("QAK", 2, $"QAK-2 '{other}' of {type} is not a query response status (HL7 Table 0208: OK, NF, AE, AR)"),
        };
    }

    /// <summary>
    /// The refusal's condition: ERR-3 (CWE, HL7 v2.5 §2.15.5.3) from v2.5 on, else ERR-1 component 4 (error code
    /// <c>code&amp;text&amp;table</c>, v2.3.1/v2.4). Mindray's <c>ERR|0</c> means "no error" and gives no condition.
    /// </summary>
    private static Hl7QueryAnswer Refusal(Hl7QueryAnswer answer, List<Hl7AnswerSegment> segments)
    {
        var err = Find(segments, "ERR");
        if (err is null) return answer;
        var (code, text) = err.Component(3, 1).Length > 0
            ? (err.Component(3, 1), err.Component(3, 2))
            : (err.Subcomponent(1, 4, 1), err.Subcomponent(1, 4, 2));
        if (code.Length == 0) return answer;
        if (!int.TryParse(code, NumberStyles.None, CultureInfo.InvariantCulture, out var number))
            throw new Hl7AnswerException("ERR", err.Component(3, 1).Length > 0 ? 3 : 1, $"error condition '{code}' in ERR is not a number (HL7 Table 0357)");
        return answer with { ConditionCode = number, ConditionText = NullIfEmpty(text) };
    }

    private static Hl7QueryAnswer ReadDsr(Hl7QueryAnswer answer, List<Hl7AnswerSegment> segments, Hl7QueryRequest request)
    {
        var lines = new Dictionary<int, Hl7AnswerSegment>();
        foreach (var dsp in segments.Where(s => s.Id == "DSP"))
        {
            if (!int.TryParse(dsp.Text(1), NumberStyles.None, CultureInfo.InvariantCulture, out var n) || n < 1)
                throw new Hl7AnswerException("DSP", 1, $"DSP-1 '{dsp.Text(1)}' (segment {dsp.Index}) is not a line number");
            if (!lines.TryAdd(n, dsp))
                throw new Hl7AnswerException("DSP", 1, $"DSP-1 line {n} comes twice (segments {lines[n].Index} and {dsp.Index})");
        }
        string? Line(int n) => lines.TryGetValue(n, out var s) ? NullIfEmpty(s.Text(3)) : null;
        var barcode = Line(DspBarcode);
        if (barcode != request.SpecimenId)
            throw new Hl7AnswerException("DSP", 3, $"DSP line {DspBarcode} (sample barcode) is '{barcode}', not the specimen asked for, '{request.SpecimenId}'");
        var tests = lines.Where(l => l.Key >= DspFirstTest).OrderBy(l => l.Key).Select(l => l.Value.Component(3, 1)).ToList();
        if (tests.Count == 0 || tests.Any(t => t.Length == 0))
            throw new Hl7AnswerException("DSP", 3, $"DSR^Q03 answers QAK-2 OK but has {(tests.Count == 0 ? "no test line" : "an empty test line")} (DSP line {DspFirstTest} onwards, DSP-3 component 1 = test code)");
        return answer with
        {
            Outcome = Hl7AnswerOutcome.Order,
            Patient = new Hl7AnsweredPatient(Line(DspPatientId), Line(DspPatientName), BirthDate(Line(DspBirthDate)), Line(DspSex)),
            SpecimenId = barcode,
            SpecimenType = Line(DspSampleType),
            Priority = Line(DspStat) switch { "Y" => "stat", "N" => "routine", _ => null },
            Tests = tests,
        };
    }

    /// <summary>RSP^K11 with QAK-2 OK: PID (3 id, 5 name, 7 birth date, 8 sex), SPM (2 specimen id, 4 type), OBR per test (4.1 code, 5 priority).</summary>
    private static Hl7QueryAnswer ReadRsp(Hl7QueryAnswer answer, List<Hl7AnswerSegment> segments, Hl7QueryRequest request)
    {
        var spm = Find(segments, "SPM") ?? throw new Hl7AnswerException("SPM", 0, "RSP^K11 answers QAK-2 OK but has no SPM segment (SPM-2 specimen id)");
        var specimen = spm.Component(2, 1);
        if (specimen != request.SpecimenId)
            throw new Hl7AnswerException("SPM", 2, $"SPM-2 '{specimen}' is not the specimen asked for, '{request.SpecimenId}'");
        var obrs = segments.Where(s => s.Id == "OBR").ToList();
        if (obrs.Count == 0)
            throw new Hl7AnswerException("OBR", 0, "RSP^K11 answers QAK-2 OK but has no OBR segment (OBR-4 test ordered)");
        var empty = obrs.FirstOrDefault(o => o.Component(4, 1).Length == 0);
        if (empty is not null)
            throw new Hl7AnswerException("OBR", 4, $"OBR-4 (universal service id) of segment {empty.Index} is empty");
        var pid = Find(segments, "PID");
        var name = pid is null ? null : NullIfEmpty(string.Join(' ', new[] { pid.Component(5, 1), pid.Component(5, 2) }.Where(s => s.Length > 0)));
        return answer with
        {
            Outcome = Hl7AnswerOutcome.Order,
            Patient = pid is null ? null : new Hl7AnsweredPatient(NullIfEmpty(pid.Component(3, 1)), name, BirthDate(NullIfEmpty(pid.Text(7))), NullIfEmpty(pid.Text(8))),
            SpecimenId = specimen,
            SpecimenType = NullIfEmpty(spm.Component(4, 1)),
            // OBR-5 priority (v2.3 Table 0027: S stat, R routine), as the host writes it.
            Priority = obrs[0].Text(5) switch { "S" => "stat", "R" => "routine", _ => null },
            Tests = obrs.Select(o => o.Component(4, 1)).ToList(),
        };
    }

    /// <summary>HL7 DT/TS <c>YYYYMMDD[HHMMSS]</c> → ISO <c>YYYY-MM-DD</c>; anything else as sent.</summary>
    private static string? BirthDate(string? ts) =>
        ts is { Length: >= 8 } && DateOnly.TryParseExact(ts[..8], "yyyyMMdd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var d)
            ? d.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture)
            : ts;

    private static Hl7AnswerSegment? Find(List<Hl7AnswerSegment> segments, string id) => segments.FirstOrDefault(s => s.Id == id);

    private static string? NullIfEmpty(string? s) => string.IsNullOrEmpty(s) ? null : s;
}
