namespace EdgeLab.Simulator.Hl7;

/// <summary>What one message of the host's answer said.</summary>
internal enum Hl7AnswerOutcome
{
    /// <summary>The host sent the work order (DSR^Q03, or RSP^K11 with QAK-2 OK).</summary>
    Order,
    /// <summary>QCK^Q02 with QAK-2 OK: the host has the sample and the order follows as DSR^Q03.</summary>
    OrderFollows,
    /// <summary>QAK-2 NF "no data found" (HL7 v2.5 Table 0208): the host knows nothing of the specimen.</summary>
    NothingKnown,
    /// <summary>MSA-1 AE/AR/CE/CR or QAK-2 AE/AR: the host would not answer the query.</summary>
    Refused,
}

/// <summary>The patient as the host's order names them.</summary>
internal sealed record Hl7AnsweredPatient(string? Id, string? Name, string? BirthDate, string? Sex);

/// <summary>One message of the host's answer to a query, read.</summary>
internal sealed record Hl7QueryAnswer
{
    public required Hl7AnswerOutcome Outcome { get; init; }
    public required Hl7AnswerHeader Header { get; init; }
    /// <summary>MSA-1 (HL7 v2.5 Table 0008).</summary>
    public string AckCode { get; init; } = "";
    /// <summary>MSA-3 text message.</summary>
    public string? AckText { get; init; }
    /// <summary>QAK-2 query response status (Table 0208), when the message has a QAK.</summary>
    public string? QueryStatus { get; init; }
    /// <summary>Error condition of a refusal (Table 0357, e.g. 200 "Unsupported message type"), from ERR.</summary>
    public int? ConditionCode { get; init; }
    public string? ConditionText { get; init; }
    public Hl7AnsweredPatient? Patient { get; init; }
    public string? SpecimenId { get; init; }
    public string? SpecimenType { get; init; }
    /// <summary><c>stat</c> or <c>routine</c>.</summary>
    public string? Priority { get; init; }
    /// <summary>The analyzer's test codes ordered, in the host's order.</summary>
    public IReadOnlyList<string> Tests { get; init; } = [];
    /// <summary>MSA-1 code the analyzer must acknowledge this message with, or null when it needs no acknowledgement.</summary>
    public string? AcknowledgeWith { get; init; }
}
