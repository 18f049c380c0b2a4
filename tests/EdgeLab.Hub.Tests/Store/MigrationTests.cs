using Dapper;
using EdgeLab.Hub.Catalog;
using EdgeLab.Hub.Store;
using EdgeLab.Hub.Tests.Support;
using EdgeLab.LocalServices;

namespace EdgeLab.Hub.Tests.Store;

public sealed class MigrationTests
{
    public static TheoryData<string> Providers => TestHub.Providers;

    [Theory]
    [MemberData(nameof(Providers))]
    public async Task Migrations_are_versioned_and_idempotent_even_when_run_concurrently(string provider)
    {
        await using var hub = await TestHub.CreateAsync(provider, emptyDatabase: true);
        var again = await Task.WhenAll(Enumerable.Range(0, 4).Select(_ => hub.Database.MigrateAsync()));
        Assert.All(again, n => Assert.Equal(0, n));
        await using var c = await hub.Database.OpenAsync();
        Assert.Equal(Migrator.Scripts(hub.Database.Dialect).Max(s => s.Version), await Migrator.CurrentVersionAsync(c));
        Assert.Equal(Migrator.Scripts(DatabaseDialect.Sqlite).Select(s => s.Version), Migrator.Scripts(DatabaseDialect.Postgres).Select(s => s.Version));
    }

    [Theory]
    [MemberData(nameof(Providers))]
    public async Task Upgrading_to_result_current_keeps_which_result_is_current_and_the_history(string provider)
    {
        using var dir = new ScratchDirectory("hub-upgrade");
        IHubDatabase db = provider == "postgres"
            ? new PostgresHubDatabase(await SharedPostgres.NewEmptyDatabaseAsync())
            : new SqliteHubDatabase(Path.Combine(dir.Path, "hub.db"));
        await using (var c = await db.OpenAsync())
        {
            // A version-2 database, as a hub released before result_current left it: the flag on each row.
            await c.ExecuteAsync("CREATE TABLE schema_version (version BIGINT PRIMARY KEY, name TEXT NOT NULL, applied_at BIGINT NOT NULL)");
            foreach (var (version, name, sql) in Migrator.Scripts(db.Dialect).Where(s => s.Version <= 2))
            {
                await c.ExecuteAsync(sql);
                await c.ExecuteAsync("INSERT INTO schema_version(version, name, applied_at) VALUES (@v, @n, 0)", new { v = (long)version, n = name });
            }
            foreach (var (id, specimen, code, effective, current) in new[]
                     {
                         (1L, "S1", "HGB", 100L, 0L), (2L, "S1", "HGB", 200L, 1L), (3L, "S1", "WBC", 100L, 1L),
                         // Two rows flagged current (possible after a race between two hub nodes): the newer one wins.
                         (4L, "S2", "HGB", 100L, 1L), (5L, "S2", "HGB", 300L, 1L),
                     })
            {
                await c.ExecuteAsync(
                    "INSERT INTO lab_result(id, specimen_id, referral_id, patient_id, lab_id, catalog_code, loinc, section, analyzer_code, value, status, " +
                    "effective_at, issued_at, gateway_id, instrument_id, message_id, sequence, is_current, last_updated) " +
                    "VALUES (@id, @specimen, 'R1', 'P1', 'lab-1', @code, '', 'hematology', @code, '1', 'final', @effective, @effective, 'gw', 'xn', @mid, @id, @current, @effective)",
                    new { id, specimen, code, effective, current, mid = $"gw:{id}" });
            }
        }

        // Every migration after version 2 (0003 result_current and whatever came later) applies.
        Assert.Equal(Migrator.Scripts(db.Dialect).Count(s => s.Version > 2), await db.MigrateAsync());

        await using (var c = await db.OpenAsync())
        {
            var pointers = (await c.QueryAsync<(string, string, long)>("SELECT specimen_id, catalog_code, result_id FROM result_current ORDER BY specimen_id, catalog_code")).ToList();
            Assert.Equal([("S1", "HGB", 2L), ("S1", "WBC", 3L), ("S2", "HGB", 5L)], pointers);
        }
        var store = new HubStore(db, CatalogLoader.LoadEmbedded(), TimeProvider.System);
        Assert.False((await store.GetObservationAsync(AccessScope.Region, 1))!.IsCurrent);
        Assert.True((await store.GetObservationAsync(AccessScope.Region, 2))!.IsCurrent);
        Assert.False((await store.GetObservationAsync(AccessScope.Region, 4))!.IsCurrent);
        Assert.Equal([2L, 3L], (await store.SearchObservationsAsync(AccessScope.Region, new ObservationQuery { SpecimenId = "S1" })).Items.Select(r => r.Id).Order());
        Assert.Equal(5, (await store.SearchObservationsAsync(AccessScope.Region, new ObservationQuery { PatientId = "P1", IncludeSuperseded = true })).Items.Count);
        if (db is IAsyncDisposable disposable) await disposable.DisposeAsync();
    }

    [Fact]
    public async Task Sqlite_connections_use_wal_and_synchronous_full()
    {
        await using var hub = await TestHub.CreateAsync("sqlite");
        await using var c = await hub.Database.OpenAsync();
        Assert.Equal("wal", await c.ExecuteScalarAsync<string>("PRAGMA journal_mode"));
        Assert.Equal(2L, await c.ExecuteScalarAsync<long>("PRAGMA synchronous")); // 2 = FULL
    }

    [Fact]
    public void A_bad_postgres_connection_string_names_the_fix() =>
        Assert.Contains("Host=127.0.0.1", Assert.Throws<ArgumentException>(() => new PostgresHubDatabase("Hots==")).Message);
}
