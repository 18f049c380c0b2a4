using System.Globalization;
using EdgeLab.Contract;

namespace EdgeLab.Hub.Ingest;

/// <summary>
/// The field checks of triage for payloads that bound to a known schema: what JSON binding lets through but the batch
/// writer cannot store (<c>results:[null]</c>, an item with <c>code:null</c>, an event with <c>data:null</c> — issue 9).
/// Such a message is quarantined alone with a reason naming the field (e.g. <c>results[3].code: missing</c>), so the
/// writer never sees it and the rest of its batch commits once.
/// </summary>
internal static class PayloadValidation
{
    /// <summary>Null when the result message is storable; otherwise the first problem, naming the field.</summary>
    public static string? Check(ResultMessage m)
    {
        if (string.IsNullOrWhiteSpace(m.InstrumentId)) return "instrumentId: missing";
        if (string.IsNullOrWhiteSpace(m.Profile)) return "profile: missing";
        if (string.IsNullOrWhiteSpace(m.Protocol)) return "protocol: missing";
        if (m.Kind is not ("patient" or "qc" or "calibration")) return m.Kind is null ? "kind: missing" : "kind: not one of patient, qc, calibration";
        if (m.Results is null) return "results: missing";
        if (m.Comments is null) return "comments: null (omit it or send [])";
        for (var i = 0; i < m.Results.Count; i++)
        {
            var item = m.Results[i];
            var at = string.Create(CultureInfo.InvariantCulture, $"results[{i}]");
            if (item is null) return at + ": null";
            if (string.IsNullOrWhiteSpace(item.Code)) return at + ".code: missing";
            if (item.Value is null) return at + ".value: missing";
            if (item.Flags is null) return at + ".flags: null (omit it or send [])";
            if (item.Comments is null) return at + ".comments: null (omit it or send [])";
        }
        return null;
    }

    /// <summary>Null when the event is storable; otherwise the first problem, naming the field.</summary>
    public static string? Check(EventMessage m)
    {
        if (string.IsNullOrWhiteSpace(m.Type)) return "type: missing";
        if (m.Data is null) return "data: null (omit it or send {})";
        foreach (var (key, value) in m.Data)
            if (value is null) return $"data.{Truncate(key)}: null";
        return null;
    }

    /// <summary>Null when the status is storable; otherwise the first problem, naming the field.</summary>
    public static string? Check(StatusMessage m)
    {
        if (m.Instruments is null) return "instruments: null (omit it or send [])";
        for (var i = 0; i < m.Instruments.Count; i++)
            if (m.Instruments[i] is null) return string.Create(CultureInfo.InvariantCulture, $"instruments[{i}]: null");
        return null;
    }

    private static string Truncate(string text) => text.Length <= 64 ? text : text[..64] + "…";
}
