using System.Data.Common;
using System.Globalization;
using System.Reflection;
using Dapper;

namespace EdgeLab.Hub.Store;

/// <summary>
/// Versioned migrations: embedded <c>Store/Migrations/{dialect}/NNNN_name.sql</c> applied in order, each in its own
/// transaction together with its row in <c>schema_version</c>. Concurrent hub processes serialize on a write lock
/// (SQLite <c>BEGIN IMMEDIATE</c>, PostgreSQL advisory transaction lock), so exactly one applies each version.
/// </summary>
public static class Migrator
{
    private const long AdvisoryLockKey = 0x4564_6765_4C61_62; // "EdgeLab"

    public static IReadOnlyList<(int Version, string Name, string Sql)> Scripts(DatabaseDialect dialect)
    {
        var folder = dialect == DatabaseDialect.Sqlite ? ".sqlite." : ".postgres.";
        var assembly = typeof(Migrator).Assembly;
        return assembly.GetManifestResourceNames()
            .Where(n => n.Contains(".Store.Migrations" + folder, StringComparison.Ordinal) && n.EndsWith(".sql", StringComparison.Ordinal))
            .Select(n =>
            {
                var file = n[(n.IndexOf(folder, StringComparison.Ordinal) + folder.Length)..];
                var version = int.Parse(file.AsSpan(0, 4), NumberStyles.None, CultureInfo.InvariantCulture);
                return (version, file, Read(assembly, n));
            })
            .OrderBy(s => s.version)
            .ToList();
    }

    public static async Task<int> MigrateAsync(IHubDatabase database, CancellationToken cancellationToken)
    {
        var applied = 0;
        foreach (var (version, name, sql) in Scripts(database.Dialect))
        {
            await using var connection = await database.OpenAsync(cancellationToken).ConfigureAwait(false);
            await using var tx = await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
            if (database.Dialect == DatabaseDialect.Postgres)
                await connection.ExecuteAsync("SELECT pg_advisory_xact_lock(@k)", new { k = AdvisoryLockKey }, tx).ConfigureAwait(false);
            await connection.ExecuteAsync(
                "CREATE TABLE IF NOT EXISTS schema_version (version BIGINT PRIMARY KEY, name TEXT NOT NULL, applied_at BIGINT NOT NULL)",
                transaction: tx).ConfigureAwait(false);
            var done = await connection.ExecuteScalarAsync<long>(
                "SELECT COUNT(*) FROM schema_version WHERE version = @v", new { v = (long)version }, tx).ConfigureAwait(false);
            if (done == 0)
            {
                await connection.ExecuteAsync(sql, transaction: tx).ConfigureAwait(false);
                await connection.ExecuteAsync(
                    "INSERT INTO schema_version(version, name, applied_at) VALUES (@v, @n, @at)",
                    new { v = (long)version, n = name, at = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds() }, tx).ConfigureAwait(false);
                applied++;
            }
            await tx.CommitAsync(cancellationToken).ConfigureAwait(false);
        }
        return applied;
    }

    public static async Task<long> CurrentVersionAsync(DbConnection connection) =>
        await connection.ExecuteScalarAsync<long?>("SELECT MAX(version) FROM schema_version").ConfigureAwait(false) ?? 0;

    private static string Read(Assembly assembly, string name)
    {
        using var stream = assembly.GetManifestResourceStream(name)!;
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd();
    }
}
