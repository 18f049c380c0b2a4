using System.Data.Common;
using EdgeLab.Hub.Linking;

namespace EdgeLab.Hub.Store;

/// <summary>The dialect-specific hot path of a batch: claiming message ids, reserving result ids, inserting result rows.</summary>
public interface IResultBulkWriter
{
    /// <summary>Inserts the ids (with their payload's SHA-256) into <c>processed_message</c>; returns those that were not there before.</summary>
    Task<HashSet<string>> ClaimAsync(DbConnection c, DbTransaction tx, IReadOnlyList<(string Id, string? Sha256)> messages, long nowMs, CancellationToken ct);

    /// <summary>Reserves up to <paramref name="count"/> result ids; the function hands them out in increasing order.</summary>
    Task<Func<long>> ReserveResultIdsAsync(DbConnection c, DbTransaction tx, int count, CancellationToken ct);

    Task InsertResultsAsync(DbConnection c, DbTransaction tx, BatchPlan plan, CancellationToken ct);

    /// <summary>Specimen → referral → patient for each id that exists.</summary>
    Task<Dictionary<string, SpecimenLink>> LoadSpecimensAsync(DbConnection c, DbTransaction tx, IReadOnlyList<string> specimenIds, CancellationToken ct);

    /// <summary>Seeds <see cref="BatchPlan.Current"/> with the current results of these specimens (from <c>result_current</c>).</summary>
    Task LoadCurrentAsync(DbConnection c, DbTransaction tx, IReadOnlyList<string> specimenIds, BatchPlan plan, CancellationToken ct);

    /// <summary>
    /// Points <c>result_current</c> at the batch's newest results (<see cref="BatchPlan.MovedCurrent"/>). The superseded
    /// rows themselves are never rewritten: result history is insert-only.
    /// </summary>
    Task MoveCurrentAsync(DbConnection c, DbTransaction tx, BatchPlan plan, CancellationToken ct);
}

/// <summary>The specimen lookup shared by both dialects (the WHERE clause differs).</summary>
public static class SpecimenLookup
{
    public const string Select =
        "SELECT s.id, s.referral_id, s.patient_id, r.ordering_org_id, r.performing_lab_id, s.status, p.sex, p.birth_date, s.collected_at " +
        "FROM specimen s JOIN referral r ON r.id = s.referral_id JOIN patient p ON p.id = s.patient_id WHERE ";

    public static SpecimenLink Read(DbDataReader r) => new(
        r.GetString(0), r.GetString(1), r.GetString(2), r.GetString(3), r.GetString(4),
        Store.StoreEncoding.Enum<Domain.SpecimenStatus>(r.GetString(5)), Store.StoreEncoding.Sex(r.GetString(6)), Store.StoreEncoding.Date(r.GetString(7)),
        r.IsDBNull(8) ? null : Store.StoreEncoding.Time(r.GetInt64(8)));
}
