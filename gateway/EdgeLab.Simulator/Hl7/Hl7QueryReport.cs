using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;

namespace EdgeLab.Simulator.Hl7;

/// <summary>
/// The one JSON object the HL7 query prints on stdout (fields in README.md): what was asked, what came back, and the
/// order's specimen, patient and tests, or why there is none.
/// </summary>
internal static class Hl7QueryReport
{
    public const string Order = "order", NoOrder = "no-order", Refused = "refused", Timeout = "timeout", MalformedAnswer = "malformed-answer", LinkError = "link-error";

    // Relaxed escaping: the object goes to a terminal or a test, never into HTML, and names stay readable (Cyrillic).
    private static readonly JsonWriterOptions Options = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    public static string Write(Hl7QueryRequest request, string outcome, IReadOnlyList<Hl7QueryAnswer> answers, TimeSpan elapsed,
        Hl7AnswerException? malformed = null, string? error = null)
    {
        using var buffer = new MemoryStream();
        using (var w = new Utf8JsonWriter(buffer, Options))
        {
            w.WriteStartObject();
            w.WriteString("query", request.Kind.MessageType());
            w.WriteString("specimen", request.SpecimenId);
            w.WriteString("outcome", outcome);
            w.WriteStartArray("answer");
            foreach (var a in answers) w.WriteStringValue(a.Header.MessageType);
            w.WriteEndArray();
            if (answers.Count > 0)
            {
                var last = answers[^1];
                if (last.QueryStatus is { } status) w.WriteString("queryStatus", status);
                w.WriteStartObject("ack");
                w.WriteString("code", last.AckCode);
                if (last.ConditionCode is { } code) w.WriteNumber("condition", code);
                if (last.ConditionText is { } conditionText) w.WriteString("conditionText", conditionText);
                if (last.AckText is { } text) w.WriteString("text", text);
                w.WriteEndObject();
                if (outcome == Order) WriteOrder(w, last);
            }
            if (malformed is not null)
            {
                w.WriteStartObject("error");
                w.WriteString("segment", malformed.Segment);
                w.WriteNumber("field", malformed.Field);
                w.WriteString("message", malformed.Message);
                w.WriteEndObject();
            }
            else if (error is not null)
            {
                w.WriteStartObject("error");
                w.WriteString("message", error);
                w.WriteEndObject();
            }
            w.WriteNumber("elapsedMs", Math.Round(elapsed.TotalMilliseconds));
            w.WriteEndObject();
        }
        return Encoding.UTF8.GetString(buffer.GetBuffer(), 0, (int)buffer.Length);
    }

    private static void WriteOrder(Utf8JsonWriter w, Hl7QueryAnswer a)
    {
        if (a.Patient is { } p)
        {
            w.WriteStartObject("patient");
            Optional(w, "id", p.Id);
            Optional(w, "name", p.Name);
            Optional(w, "birthDate", p.BirthDate);
            Optional(w, "sex", p.Sex);
            w.WriteEndObject();
        }
        Optional(w, "specimenType", a.SpecimenType);
        Optional(w, "priority", a.Priority);
        w.WriteStartArray("tests");
        foreach (var t in a.Tests) w.WriteStringValue(t);
        w.WriteEndArray();
    }

    private static void Optional(Utf8JsonWriter w, string name, string? value)
    {
        if (value is not null) w.WriteString(name, value);
    }
}
