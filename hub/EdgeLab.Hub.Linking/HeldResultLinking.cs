using EdgeLab.Contract;
using EdgeLab.Hub.Catalog;
using EdgeLab.Hub.Domain;

namespace EdgeLab.Hub.Linking;

/// <summary>
/// Resolving a held result (a person names its specimen and/or catalog test): the same linking as ingest
/// (<see cref="ResultLinker.TryAdd"/>), on the held item as the hub keeps it, so a resolved result is stored exactly as
/// it would have been had it linked on arrival.
/// </summary>
public static class HeldResultLinking
{
    /// <summary>
    /// Links <paramref name="held"/> onto <paramref name="specimen"/> as <paramref name="resolvedTest"/> (null: map its
    /// analyzer code through the catalog). Returns null when linked (<paramref name="resultId"/> set), else why it cannot
    /// be, naming the fix: the caller refuses a single item with it and skips an item among its tube's siblings.
    /// </summary>
    public static string? TryLink(
        BatchPlan plan, UnmatchedResult held, long sequence, SpecimenLink specimen, TestDefinition? resolvedTest, ITestCatalog catalog,
        Func<long> nextId, DateTimeOffset now, out long resultId)
    {
        resultId = 0;
        TestDefinition? test;
        InstrumentTestCode? mapping;
        if (resolvedTest is not null)
        {
            test = resolvedTest;
            mapping = test.InstrumentCodes.FirstOrDefault(m => string.Equals(m.Profile, held.Profile, StringComparison.OrdinalIgnoreCase))
                ?? new InstrumentTestCode { Profile = held.Profile, Code = held.AnalyzerCode };
        }
        else if (!catalog.TryMapAnalyzerCode(held.Profile, held.AnalyzerCode, out test, out mapping))
        {
            return $"analyzer code '{held.AnalyzerCode}' of '{held.Profile}' is not in the catalog; give the catalog code it stands for";
        }
        // The normalizer reads an analyzer's result item (units, flags, range as sent): the held item is one, as received.
        var item = new ResultItem
        {
            Code = held.AnalyzerCode,
            Value = held.Value,
            Units = held.Units,
            Flags = held.Flags,
            ReferenceRange = held.ReferenceRange,
            Status = held.Status,
            CompletedAt = held.CompletedAt,
        };
        if (ResultLinker.TryAdd(plan, held.GatewayId, held.InstrumentId, held.MessageId, sequence, held.ReceivedAt, held.LabId ?? specimen.PerformingLabId,
                specimen, test, mapping, item, nextId, now, out resultId) == LinkOutcome.UnknownUnit)
            return $"unit '{held.Units}' is not known for {test.Code} on '{held.Profile}'; add it to the catalog or give another catalog code";
        return null;
    }
}
