namespace EdgeLab.Simulator.Hl7;

/// <summary>Which HL7 host query the analyzer sends for a tube it has read.</summary>
internal enum Hl7QueryKind
{
    /// <summary>
    /// Original-mode query QRY^Q02 "query sent for deferred response" (HL7 v2.3.1 chapter 2, QRD §2.24.4, QRF
    /// §2.24.5; HL7 v2.5 §5.10.2 keeps original-mode queries for backward compatibility), as Mindray BC/BS analyzers
    /// send it. The host answers QCK^Q02 (deferred-response acknowledgement), then DSR^Q03 with the order.
    /// </summary>
    QryQ02,

    /// <summary>Query by parameter QBP^Q11 (HL7 v2.5 §5.3, QPD §5.5.4, RCP §5.5.6), answered with RSP^K11 (segment pattern response).</summary>
    QbpQ11,
}

/// <summary>Names of <see cref="Hl7QueryKind"/> on the command line (<c>qry</c>, <c>qbp</c>) and in profiles (<c>QRY^Q02</c>, <c>QBP^Q11</c>).</summary>
internal static class Hl7QueryKinds
{
    /// <summary><c>qry</c> / <c>QRY^Q02</c> and <c>qbp</c> / <c>QBP^Q11</c>, case-insensitive; null otherwise.</summary>
    public static Hl7QueryKind? Parse(string? text) => text?.Trim().ToUpperInvariant() switch
    {
        "QRY" or "QRY^Q02" => Hl7QueryKind.QryQ02,
        "QBP" or "QBP^Q11" => Hl7QueryKind.QbpQ11,
        _ => null,
    };

    /// <summary>MSH-9 message code and trigger event, e.g. <c>QRY^Q02</c>.</summary>
    public static string MessageType(this Hl7QueryKind kind) => kind == Hl7QueryKind.QryQ02 ? "QRY^Q02" : "QBP^Q11";

    /// <summary>The HL7 version the query is written in when no profile says: Mindray speaks 2.3.1, QBP exists from 2.4 on.</summary>
    public static string DefaultVersion(this Hl7QueryKind kind) => kind == Hl7QueryKind.QryQ02 ? "2.3.1" : "2.5";
}
