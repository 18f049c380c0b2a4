using System.Buffers.Binary;
using System.Data.Common;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Dapper;

namespace EdgeLab.Hub.Store;

/// <summary>
/// Makes transactions that read, decide and then write (is this referral a repeat? is this patient known? is this held
/// result still open? which result of this tube is current?) take turns per key. SQLite needs nothing: every write
/// transaction begins IMMEDIATE, so writers already run one at a time. PostgreSQL runs them side by side under READ
/// COMMITTED, where both see "not there yet": the second then fails a unique index (a 500 for an EMR's retry) or, where
/// no index guards, writes a duplicate (two current results, a held result attached twice). A transaction-scoped
/// advisory lock per key serializes exactly the transactions that touch the same thing.
/// </summary>
public static class WriteLocks
{
    public static async Task TakeAsync(DbConnection c, DbTransaction tx, DatabaseDialect dialect, IEnumerable<string> keys, CancellationToken ct)
    {
        if (dialect != DatabaseDialect.Postgres) return;
        // Always in one order, so two transactions that want overlapping keys cannot deadlock; one statement per key
        // (run in order), all in one round trip.
        var sorted = keys.Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToList();
        if (sorted.Count == 0) return;
        var p = new DynamicParameters();
        for (var i = 0; i < sorted.Count; i++) p.Add(string.Create(CultureInfo.InvariantCulture, $"k{i}"), Key(sorted[i]));
        var sql = string.Concat(sorted.Select((_, i) => string.Create(CultureInfo.InvariantCulture, $"SELECT pg_advisory_xact_lock(@k{i});")));
        await c.ExecuteAsync(new CommandDefinition(sql, p, tx, cancellationToken: ct)).ConfigureAwait(false);
    }

    /// <summary>The lock of one tube's results: whoever decides which result is current takes it first.</summary>
    public static string Specimen(string specimenId) => "specimen:" + specimenId;

    /// <summary>The same 64-bit lock id in every hub process (string.GetHashCode is randomized per process): SHA-256's first 8 bytes.</summary>
    internal static long Key(string key) => BinaryPrimitives.ReadInt64BigEndian(SHA256.HashData(Encoding.UTF8.GetBytes(key)));
}
