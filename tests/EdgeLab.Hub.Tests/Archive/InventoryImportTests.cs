using System.Globalization;
using System.Text;
using Dapper;
using EdgeLab.Hub.Archive;
using EdgeLab.Hub.Domain;
using EdgeLab.Hub.Referrals;
using EdgeLab.Hub.Referrals.Archive;
using EdgeLab.Hub.Store;
using EdgeLab.Hub.Tests.Support;

namespace EdgeLab.Hub.Tests.Archive;

/// <summary>Issue 15 §2: a few hundred inventory rows with deliberate bad ones, on SQLite and PostgreSQL.</summary>
public sealed class InventoryImportTests
{
    public static TheoryData<string> Providers => TestHub.Providers;

    private const string Header = "card_number,snils,oms,surname,name,patronymic,birth_date,sex,polyclinic,location";

    /// <summary>300 good rows (one is Ivanova's card, one names Ivanova's SNILS with another person) and 5 bad ones.</summary>
    private static (string Csv, Dictionary<int, string> BadRows) Inventory()
    {
        var csv = new StringBuilder(Header).Append('\n');
        var bad = new Dictionary<int, string>();
        var line = 1;
        void Row(string text, string? badReason = null)
        {
            line++;
            csv.Append(text).Append('\n');
            if (badReason is not null) bad[line] = badReason;
        }
        Row($"K-IVANOVA,{Patients.Ivanova.Snils},,ИВАНОВА,мария,Сергеевна,14.03.1980,ж,clinic-1,ARCH-1/Z01/B0001/1");
        Row($"K-MISMATCH,{Patients.Ivanova.Snils},,Петрова,Анна,,1981-05-01,female,clinic-1,ARCH-1/Z01/B0001/2");
        for (var i = 0; i < 298; i++)
        {
            var snils = Snils.Complete((300_000_000 + i).ToString(CultureInfo.InvariantCulture));
            Row($"K{i:D6},{snils},,Смирнов,\"Пётр, мл.\",Ильич,2015-01-{1 + i % 28:D2},м,clinic-1,ARCH-1/Z01/B{1 + i / 100:D4}/{3 + i % 97}");
        }
        var good = Snils.Complete("300000999");
        var badSnils = good[..10] + (char)('0' + (good[10] - '0' + 1) % 10);
        Row($"K-BADSNILS,{badSnils},,Козлов,Иван,,2016-02-02,м,clinic-1,ARCH-1/Z01/B0001/99", "bad SNILS checksum");
        Row($"K-NOSURNAME,{Snils.Complete("300001000")},,,Иван,,2016-02-02,м,clinic-1,ARCH-1/Z01/B0001/98", "missing field");
        Row($"K-NOBOX,{Snils.Complete("300001001")},,Козлов,Иван,,2016-02-02,м,clinic-1,ARCH-1/Z09/B0001/1", "unknown location");
        Row($"K-BADPOS,{Snils.Complete("300001002")},,Козлов,Иван,,2016-02-02,м,clinic-1,ARCH-1/Z01/B0001/101", "unknown location");
        Row($",{Snils.Complete("300001003")},,Козлов,Иван,,2016-02-02,м,clinic-1,ARCH-1/Z01/B0001/5", "missing field");
        return (csv.ToString(), bad);
    }

    private static async Task AddBoxesAsync(TestHub hub)
    {
        for (var b = 1; b <= 3; b++) await hub.Store.AddLocationAsync($"ARCH-1/Z01/B{b:D4}", 100);
    }

    [Theory]
    [MemberData(nameof(Providers))]
    public async Task Import_attaches_by_identity_rules_queues_the_rest_reports_bad_rows_and_is_idempotent(string provider)
    {
        await using var hub = await TestHub.CreateAsync(provider);
        var ivanova = await hub.RegisterAsync(["HGB"]);
        await AddBoxesAsync(hub);
        var (csv, bad) = Inventory();
        var importer = new InventoryImporter(hub.Store, hub.Time);

        var reportText = new StringWriter();
        var summary = await importer.ImportAsync(new StringReader(csv), new RejectionReport(reportText), null, default);

        Assert.Equal(305, summary.Rows);
        Assert.Equal(1, summary.Attached);
        Assert.Equal(299, summary.Queued);
        Assert.Equal(5, summary.Rejected);
        var report = reportText.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal("row,card_number,outcome,column,reason", report[0]);
        foreach (var (row, reason) in bad)
            Assert.Contains(report, l => l.StartsWith(row.ToString(CultureInfo.InvariantCulture) + ",", StringComparison.Ordinal) && l.Contains(",rejected,", StringComparison.Ordinal) && l.Contains(reason, StringComparison.Ordinal));
        Assert.Contains(report, l => l.StartsWith("3,K-MISMATCH,queued,", StringComparison.Ordinal) && l.Contains("identity mismatch", StringComparison.Ordinal));

        var card = await hub.Store.GetCardAsync(AccessScope.Region, "K-IVANOVA");
        Assert.Equal(ivanova.Patient.Id, card!.PatientId);
        Assert.Equal(1, card.Position);
        Assert.Equal("Пётр, мл.", (await hub.Store.GetCardAsync(AccessScope.Region, "K000000"))!.Demographics.GivenName);
        // Never attached by guess: Ivanova's SNILS with another person's name waits in the queue.
        var mismatch = await hub.Store.GetCardAsync(AccessScope.Region, "K-MISMATCH");
        Assert.Null(mismatch!.PatientId);
        Assert.Equal(CardQueueReason.IdentityMismatch, mismatch.QueueReason);
        Assert.Null(await hub.Store.GetCardAsync(AccessScope.Region, "K-BADSNILS"));

        // Re-import: the same card numbers make no duplicates.
        var again = await importer.ImportAsync(new StringReader(csv), new RejectionReport(new StringWriter()), null, default);
        Assert.Equal(300, again.AlreadyPresent);
        Assert.Equal(0, again.Attached + again.Queued);
        await using var c = await hub.Database.OpenAsync();
        Assert.Equal(300, await c.ExecuteScalarAsync<long>("SELECT COUNT(*) FROM archive_card"));

        // A person decides a queued card; a card no longer queued cannot be attached again.
        Assert.True(await hub.Store.AttachQueuedCardAsync(AccessScope.Region, "K000001", ivanova.Patient.Id));
        Assert.False(await hub.Store.AttachQueuedCardAsync(AccessScope.Region, "K000001", ivanova.Patient.Id));
        Assert.DoesNotContain((await hub.Store.ListQueuedCardsAsync(AccessScope.Region, 1000, null)).Items, q => q.CardNumber == "K000001");
    }

    [Fact]
    public void Csv_reader_keeps_quoted_separators_quotes_and_line_breaks_and_counts_lines()
    {
        var reader = new InventoryCsvReader(new StringReader("\uFEFFa;b;c\n1;\"x;y\";\"say \"\"hi\"\"\"\n\n2;\"two\nlines\";z\n3;ok;\"open"));
        Assert.Equal(["a", "b", "c"], reader.ReadHeader());
        Assert.True(reader.TryRead(out var n, out var f, out var open));
        Assert.Equal((2, false), (n, open));
        Assert.Equal(["1", "x;y", "say \"hi\""], f);
        Assert.True(reader.TryRead(out n, out f, out _));
        Assert.Equal(4, n);
        Assert.Equal(["2", "two\nlines", "z"], f);
        Assert.True(reader.TryRead(out n, out _, out open));
        Assert.Equal((6, true), (n, open));
        Assert.False(reader.TryRead(out _, out _, out _));
    }

    [Fact]
    public void A_header_without_required_columns_is_refused_naming_them()
    {
        InventoryColumns.FromHeader(["card_number", "surname", "name"], out var error);
        Assert.Contains("birth_date", error, StringComparison.Ordinal);
        Assert.Contains("snils or oms", error, StringComparison.Ordinal);
    }
}
