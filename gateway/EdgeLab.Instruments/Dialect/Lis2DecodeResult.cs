using EdgeLab.Instruments.Message;
using EdgeLab.Instruments.Message.Lis2;

namespace EdgeLab.Instruments.Dialect;

/// <summary>
/// What one LIS02-A2 text decodes to under a profile: one <see cref="DecodedMessage"/> per order (O record) with its
/// results, and the host queries (Q records) it carried.
/// </summary>
internal sealed record Lis2DecodeResult(
    IReadOnlyList<DecodedMessage> Messages,
    IReadOnlyList<Lis2HostQuery> Queries,
    Lis2Delimiters Delimiters,
    string? TerminationCode);

/// <summary>
/// One Q record (LIS02-A2 §12): the specimen ids asked about (component 2 of each repeat of Q.3) and whether it cancels
/// the previous request (§12.1.13 status <c>A</c>).
/// </summary>
internal sealed record Lis2HostQuery(IReadOnlyList<string> SpecimenIds, bool IsCancel, string? StatusCode);
