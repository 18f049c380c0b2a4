namespace EdgeLab.Simulator.Hl7;

/// <summary>What the simulated analyzer asks: one specimen, in one query form, under one application name.</summary>
/// <param name="Kind">QRY^Q02 or QBP^Q11.</param>
/// <param name="SpecimenId">The tube's barcode.</param>
/// <param name="ControlId">MSH-10 of the query; the answer's MSA-2 must echo it (HL7 v2.5 §2.15.8.2).</param>
/// <param name="Version">MSH-12, e.g. <c>2.3.1</c> (Mindray) or <c>2.5</c>.</param>
/// <param name="SendingApplication">MSH-3: the analyzer's name (e.g. the profile name).</param>
internal sealed record Hl7QueryRequest(Hl7QueryKind Kind, string SpecimenId, string ControlId, string Version, string SendingApplication)
{
    /// <summary>QPD-2 query tag for QBP^Q11; the host echoes it in QAK-1 (HL7 v2.5 §5.5.2). The control id is unique per query, so it serves.</summary>
    public string QueryTag => ControlId;
}
