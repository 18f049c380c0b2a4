using Dapper;
using EdgeLab.Hub.Store;
using EdgeLab.Hub.Tests.Support;

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
