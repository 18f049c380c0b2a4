using System.Data.Common;
using System.Diagnostics;
using System.Globalization;
using System.Text;
using Dapper;
using EdgeLab.Hub.Archive;
using EdgeLab.Hub.Catalog;
using EdgeLab.Hub.Domain;
using EdgeLab.Hub.Referrals;
using EdgeLab.Hub.Store;
using EdgeLab.LocalServices;

namespace EdgeLab.Bench.Archive;

/// <summary>
/// Issue 15 §2: an 800,000-card synthetic inventory (1 % deliberately bad rows: SNILS checksum, missing surname,
/// unknown box, identity mismatch) imported with the code behind <c>edgelab-hub archive import</c>
/// (<see cref="InventoryImporter"/>: streamed CSV, batches of 5,000 in one transaction each) on SQLite and PostgreSQL.
/// A tenth of the cards belong to registered patients (seeded before the clock starts), so matching does real work.
/// Target ≤ 60 s each.
/// </summary>
internal static class ArchiveImportBenchmark
{
    private const int BoxSize = 100;

    public static async Task RunAsync(TextWriter output)
    {
        var cards = BenchSize.Pick(800_000, 20_000);
        output.WriteLine("command: bench/run.sh archive-import   (edgelab-bench archive-import, Release)");
        using var dir = new ScratchDirectory("bench-archive");
        var csv = Path.Combine(dir.Path, "inventory.csv");
        var bad = Generate(csv, cards);
        output.WriteLine($"inventory: {cards:N0} cards, {bad:N0} deliberately bad rows, {new FileInfo(csv).Length / 1048576.0:F0} MiB, {cards / BoxSize:N0} boxes of {BoxSize}; load average before: {LoadAverage()}");
        var sqliteDir = Path.Combine(dir.Path, "sqlite");
        Directory.CreateDirectory(sqliteDir);
        var sqlite = await MeasureAsync(new SqliteHubDatabase(Path.Combine(sqliteDir, "hub.db")), "SQLite (WAL, synchronous=FULL)", csv, cards, dir.Path, output);
        double postgres;
        await using (var pg = await PostgresProcess.StartAsync())
        {
            await using var db = new PostgresHubDatabase(pg.ConnectionString());
            postgres = await MeasureAsync(db, "PostgreSQL 15 (fsync=on)", csv, cards, dir.Path, output);
        }
        output.WriteLine($"target ≤ 60 s each: SQLite {(sqlite <= 60 ? "met" : "NOT met")}, PostgreSQL {(postgres <= 60 ? "met" : "NOT met")}; load average after: {LoadAverage()}");
    }

    private static async Task<double> MeasureAsync(IHubDatabase database, string label, string csv, int cards, string dir, TextWriter output)
    {
        await database.MigrateAsync();
        var store = new HubStore(database, CatalogLoader.LoadEmbedded(), TimeProvider.System);
        await store.UpsertOrganizationAsync(new Organization { Id = "poly-1", Name = "Детская поликлиника №1", Kind = OrganizationKind.Clinic });
        for (var b = 0; b < cards / BoxSize; b++) await store.AddLocationAsync(BoxPath(b), BoxSize);
        await SeedPatientsAsync(database, cards);
        var reportPath = Path.Combine(dir, $"report-{database.Dialect}.csv");
        using var reader = new StreamReader(csv, Encoding.UTF8);
        using var report = new RejectionReport(new StreamWriter(reportPath));
        var started = Stopwatch.StartNew();
        var summary = await new InventoryImporter(store, TimeProvider.System).ImportAsync(reader, report, rows =>
        {
            if (rows % 200_000 < InventoryImporter.BatchSize) output.WriteLine($"  {label}: {rows:N0} rows, {started.Elapsed.TotalSeconds:F1} s");
        }, default);
        output.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"{label}: {summary.Rows:N0} rows in {summary.Elapsed.TotalSeconds:F1} s = {summary.CardsPerSecond:N0} cards/s; {summary.Attached:N0} attached, {summary.Queued:N0} queued, {summary.Rejected:N0} rejected, {summary.AlreadyPresent:N0} already present"));
        return summary.Elapsed.TotalSeconds;
    }

    private static string BoxPath(int box) => $"MSK-ARCH-1/Z{box / 1000:D2}/B{box:D5}";

    private static string SnilsOf(int card) => Snils.Complete((100_000_000 + card * 7).ToString(CultureInfo.InvariantCulture));

    /// <summary>Every 10th card's patient is registered with the same demographics as the inventory row.</summary>
    private static async Task SeedPatientsAsync(IHubDatabase database, int cards)
    {
        await using var c = await database.OpenAsync();
        await using var tx = await c.BeginTransactionAsync();
        var now = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
        var rows = Enumerable.Range(0, cards).Where(i => i % 10 == 0).Select(i => new
        {
            id = HubId.New(),
            snils = SnilsOf(i),
            family = Family(i),
            fnorm = StoreEncoding.Norm(Family(i)),
            given = Given(i),
            gnorm = StoreEncoding.Norm(Given(i)),
            bd = StoreEncoding.Date(BirthDate(i)),
            now,
        });
        await c.ExecuteAsync(new CommandDefinition(
            "INSERT INTO patient(id, managing_org_id, snils, family_name, family_norm, given_name, given_norm, sex, birth_date, created, last_updated) VALUES (@id, 'poly-1', @snils, @family, @fnorm, @given, @gnorm, 'female', @bd, @now, @now)",
            rows, tx));
        await tx.CommitAsync();
    }

    private static readonly string[] Families = ["Иванова", "Смирнова", "Кузнецова", "Попова", "Васильева", "Петрова", "Соколова", "Михайлова"];
    private static readonly string[] Givens = ["Анна", "Мария", "Елена", "Ольга", "Дарья", "Софья", "Алиса", "Полина"];

    private static string Family(int i) => Families[i % Families.Length];

    private static string Given(int i) => Givens[i / 8 % Givens.Length];

    private static DateOnly BirthDate(int i) => new DateOnly(2008, 1, 1).AddDays(i % 5000);

    /// <summary>Writes the inventory; returns how many rows are deliberately bad (1 %, four kinds in turn).</summary>
    private static int Generate(string path, int cards)
    {
        using var w = new StreamWriter(path, false, new UTF8Encoding(false), 1 << 16);
        w.WriteLine("card_number,snils,oms,surname,name,patronymic,birth_date,sex,polyclinic,location");
        var bad = 0;
        for (var i = 0; i < cards; i++)
        {
            var snils = SnilsOf(i);
            var family = Family(i);
            var location = BoxPath(i / BoxSize) + "/" + (1 + i % BoxSize).ToString(CultureInfo.InvariantCulture);
            if (i % 100 == 50)
            {
                switch (bad++ % 4)
                {
                    case 0: snils = snils[..10] + (char)('0' + (snils[10] - '0' + 1) % 10); break; // bad checksum
                    case 1: family = ""; break; // missing field
                    case 2: location = "MSK-ARCH-9/Z99/B99999/1"; break; // unknown location
                    default: snils = SnilsOf(i - 50); break; // a registered patient's SNILS with other demographics
                }
            }
            w.Write("DP1-");
            w.Write(i.ToString("D7", CultureInfo.InvariantCulture));
            w.Write(',');
            w.Write(snils);
            w.Write(",,");
            w.Write(family);
            w.Write(',');
            w.Write(Given(i));
            w.Write(",Сергеевна,");
            w.Write(BirthDate(i).ToString("dd.MM.yyyy", CultureInfo.InvariantCulture));
            w.Write(",ж,poly-1,");
            w.WriteLine(location);
        }
        return bad;
    }

    private static string LoadAverage() => File.Exists("/proc/loadavg") ? string.Join(' ', File.ReadAllText("/proc/loadavg").Split(' ').Take(3)) : "n/a";
}
