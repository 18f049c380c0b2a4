using EdgeLab.Contract;
using EdgeLab.Gateway.OrderCache;
using EdgeLab.LocalServices;
using Microsoft.Data.Sqlite;

namespace EdgeLab.Gateway.Tests.OrderCache;

public sealed class SqliteOrderCacheTests : IDisposable
{
    private static readonly DateTimeOffset T0 = new(2026, 11, 21, 8, 0, 0, TimeSpan.Zero);
    private readonly ScratchDirectory _dir = new("gw-orders");

    private static OrderMessage Order(string action, string orderId, string specimen, DateTimeOffset at, params string[] codes) => new()
    {
        Action = action,
        OrderId = orderId,
        SpecimenId = specimen,
        At = at,
        Priority = "stat",
        Patient = new OrderPatient { Id = "P-SYNTH-7", FamilyName = "Testova", GivenName = "Anna", Sex = "F", BirthDate = new DateOnly(1980, 5, 17) },
        Tests = codes.Select(c => new OrderTest { Code = c, InstrumentCodes = new Dictionary<string, string> { ["sysmex-xn"] = c + "-XN" } }).ToList(),
    };

    [Fact]
    public async Task An_upserted_order_is_found_by_specimen_even_after_reopening()
    {
        using (var cache = SqliteOrderCache.Open(_dir.File("gateway.db")))
            Assert.True(cache.Apply(Order("upsert", "R-1", "0012345678", T0, "CBC", "HGB")));

        using var reopened = SqliteOrderCache.Open(_dir.File("gateway.db"));
        var found = await reopened.FindBySpecimenAsync("0012345678", default);
        Assert.NotNull(found);
        Assert.Equal("R-1", found.OrderId);
        Assert.Equal("P-SYNTH-7", found.PatientId);
        Assert.Equal(new DateOnly(1980, 5, 17), found.PatientBirthDate);
        Assert.Equal("stat", found.Priority);
        Assert.Equal(["CBC", "HGB"], found.Tests.Select(t => t.Code));
        Assert.Equal("HGB-XN", found.Tests[1].InstrumentCodes["sysmex-xn"]);
        Assert.Null(await reopened.FindBySpecimenAsync("0099999999", default));
    }

    [Fact]
    public async Task A_cancel_hides_the_order_and_a_late_older_upsert_does_not_bring_it_back()
    {
        using var cache = SqliteOrderCache.Open(_dir.File("gateway.db"));
        cache.Apply(Order("upsert", "R-2", "0011111111", T0, "GLU"));
        Assert.True(cache.Apply(Order("cancel", "R-2", "0011111111", T0.AddMinutes(5))));
        Assert.Null(await cache.FindBySpecimenAsync("0011111111", default));
        // QoS 1 after a reconnect: the original upsert arrives again, after the cancel.
        Assert.False(cache.Apply(Order("upsert", "R-2", "0011111111", T0, "GLU")));
        Assert.Null(await cache.FindBySpecimenAsync("0011111111", default));
        Assert.Equal(0, cache.Count());
    }

    [Fact]
    public async Task A_newer_upsert_replaces_tests_and_a_relabelled_order_moves_to_its_new_specimen()
    {
        using var cache = SqliteOrderCache.Open(_dir.File("gateway.db"));
        cache.Apply(Order("upsert", "R-3", "0022222222", T0, "GLU"));
        cache.Apply(Order("upsert", "R-3", "0022222222", T0.AddMinutes(1), "GLU", "CREA"));
        Assert.Equal(["GLU", "CREA"], (await cache.FindBySpecimenAsync("0022222222", default))!.Tests.Select(t => t.Code));

        cache.Apply(Order("upsert", "R-3", "0033333333", T0.AddMinutes(2), "GLU"));
        Assert.Null(await cache.FindBySpecimenAsync("0022222222", default));
        Assert.Equal("R-3", (await cache.FindBySpecimenAsync("0033333333", default))!.OrderId);
    }

    [Fact]
    public void An_unknown_action_is_refused_naming_it()
    {
        using var cache = SqliteOrderCache.Open(_dir.File("gateway.db"));
        var ex = Assert.Throws<ArgumentException>(() => cache.Apply(Order("delete", "R-4", "0044444444", T0)));
        Assert.Contains("\"delete\"", ex.Message);
    }

    public void Dispose()
    {
        SqliteConnection.ClearAllPools();
        _dir.Dispose();
    }
}
