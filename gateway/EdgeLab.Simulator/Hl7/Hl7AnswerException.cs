namespace EdgeLab.Simulator.Hl7;

/// <summary>
/// The host's answer to a query could not be read: the message names the segment and field (<c>QAK-2</c>,
/// <c>MSA-2</c>…) and what was wrong with it, so whoever reads the simulator's output knows which side to fix.
/// </summary>
internal sealed class Hl7AnswerException(string segment, int field, string message) : Exception(message)
{
    /// <summary>Segment id, e.g. <c>QAK</c>.</summary>
    public string Segment { get; } = segment;

    /// <summary>Field number in the segment (HL7 v2.5 §2.5 numbering), 0 when the segment itself is missing.</summary>
    public int Field { get; } = field;
}
