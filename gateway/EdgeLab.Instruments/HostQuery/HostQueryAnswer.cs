namespace EdgeLab.Instruments.HostQuery;

/// <summary>
/// The records answering one ASTM host query (H, then P and O per known specimen, then L), without CRs, ready for
/// the link layer to frame; and counts for the log (never the ids themselves).
/// </summary>
/// <param name="TerminationCode">LIS02-A2 §13.1.3: <c>N</c> when orders follow, <c>I</c> when nothing is known.</param>
internal sealed record HostQueryAnswer(IReadOnlyList<string> Records, int SpecimensAsked, int SpecimensFound, int TestCount, char TerminationCode);
