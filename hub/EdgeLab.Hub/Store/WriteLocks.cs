using System.Buffers.Binary;
using System.Data.Common;
using System.Security.Cryptography;
using System.Text;
using Dapper;

namespace EdgeLab.Hub.Store;

/// <summary>
/// Makes transactions that read, decide and then write (is this referral a repeat? is this patient known? is this held
/// result still open?) take turns per key. SQLite needs nothing: every write transaction begins IMMEDIATE, so writers
/// already run one at a time. PostgreSQL runs them side by side under READ COMMITTED, where both see "not there yet":
/// the second then fails a unique index (a 500 for an EMR's retry) or, where no index guards, writes a duplicate.
/// A transaction-scoped advisory lock per key serializes exactly the transactions that touch the same thing.
/// </summary>
internal static class WriteLocks
{
    public static async Task TakeAsync(DbConnection c, DbTransaction tx, DatabaseDialect dialect, IEnumerable<string> keys, CancellationToken ct)
    {
        if (dialect != DatabaseDialect.Postgres) return;
        // Always in one order, so two transactions that want overlapping keys cannot deadlock.
        foreach (var key in keys.Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal))
            await c.ExecuteAsync(new CommandDefinition("SELECT pg_advisory_xact_lock(@k)", new { k = Key(key) }, tx, cancellationToken: ct)).ConfigureAwait(false);
    }

    /// <summary>The same 64-bit lock id in every hub process (string.GetHashCode is randomized per process): SHA-256's first 8 bytes.</summary>
    internal static long Key(string key) => BinaryPrimitives.ReadInt64BigEndian(SHA256.HashData(Encoding.UTF8.GetBytes(key)));
}
