using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Text.Json;
using System.Text.RegularExpressions;
using EdgeLab.Contract;
using EdgeLab.Hub.Catalog;
using EdgeLab.Hub.Domain;
using EdgeLab.Hub.Hosting;
using EdgeLab.Hub.Ingest;
using EdgeLab.Hub.Linking;
using EdgeLab.Hub.Store;
using EdgeLab.Hub.Web;
using EdgeLab.Hub.Web.Auth;
using EdgeLab.LocalServices;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace EdgeLab.Bench.Pages;

/// <summary>
/// The lab console's heaviest pages with 1,000,000 results in the database (issue 13: ≤ 300 ms), on SQLite and
/// PostgreSQL: the hub's HTTP side as <c>run</c> wires it (HttpApi + WebUi, Kestrel on loopback) over a database filled
/// through the real ingest writer, signed-in people, and the validation worklist, the clinic's referral list and one
/// patient's cumulative view each requested N times after a warm-up; p50/p95 of the full response as the server
/// sends it (loopback, one request at a time).
/// </summary>
internal static partial class PagesBenchmark
{
    private const int Patients = 2_000;
    private const int ReferralsPerPatient = 5;
    private const string Lab = "bench-lab", Clinic = "bench-clinic", Gateway = "bench-gw01";
    internal const string Password = "bench passphrase 1";
    private static readonly string[] Cbc =
        ["WBC", "RBC", "HGB", "HCT", "MCV", "MCH", "MCHC", "PLT", "NEUT%", "LYMPH%", "MONO%", "EO%", "BASO%", "NEUT#", "LYMPH#", "MONO#", "EO#", "BASO#", "RDW-SD", "RDW-CV"];
    private static readonly double[] Normal = [6.1, 4.6, 13.8, 41, 89, 30, 34.0, 250, 58, 30, 8, 3, 0.5, 3.5, 1.8, 0.5, 0.2, 0.03, 45, 13];
    private static readonly string[] Units =
        ["10*3/uL", "10*6/uL", "g/dL", "%", "fL", "pg", "g/dL", "10*3/uL", "%", "%", "%", "%", "%", "10*3/uL", "10*3/uL", "10*3/uL", "10*3/uL", "10*3/uL", "fL", "%"];

    public static async Task RunAsync(TextWriter output)
    {
        // EDGELAB_PAGES_RESULTS=N for a smaller database on a busy machine (filling 1M takes minutes).
        var results = int.TryParse(Environment.GetEnvironmentVariable("EDGELAB_PAGES_RESULTS"), CultureInfo.InvariantCulture, out var n) && n > 0 ? n : BenchSize.Pick(1_000_000, 20_000);
        var requests = BenchSize.Pick(50, 5);
        output.WriteLine("command: bench/run.sh pages   (edgelab-bench pages, Release)");
        output.WriteLine($"data: {results:N0} results ({results / Cbc.Length:N0} CBC messages × {Cbc.Length}) for {Patients:N0} patients × {ReferralsPerPatient} referrals, " +
                         "every message re-reporting a tube (history), 1 in 25 with a low HGB (held for the worklist); requests: " +
                         $"{requests} per page after 5 warm-up, one at a time over loopback");
        using (var dir = new ScratchDirectory("bench-pages"))
            await MeasureAsync(new HubStorageOptions { DataDirectory = dir.Path }, "SQLite", results, requests, output);
        if (Environment.GetEnvironmentVariable("EDGELAB_PAGES_DB") == "sqlite") return;
        await using var pg = await PostgresProcess.StartAsync();
        await MeasureAsync(new HubStorageOptions { Provider = DatabaseDialect.Postgres, ConnectionString = pg.ConnectionString() }, "PostgreSQL", results, requests, output);
    }

    private static async Task MeasureAsync(HubStorageOptions storage, string label, int resultCount, int requests, TextWriter output)
    {
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions { EnvironmentName = "Production" });
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        builder.Services.AddHubStore(storage).AddHttpApi(builder.Configuration).AddWebUi();
        await using var app = builder.Build();
        app.MapHttpApi().MapWebUi();
        var database = app.Services.GetRequiredService<IHubDatabase>();
        await database.MigrateAsync();
        var store = app.Services.GetRequiredService<HubStore>();
        var catalog = app.Services.GetRequiredService<ITestCatalog>();

        var fill = Stopwatch.StartNew();
        var (specimens, patientWithHistory) = await RegisterAsync(store);
        var writer = new IngestWriter(database, catalog, TimeProvider.System);
        var messages = resultCount / Cbc.Length;
        var start = DateTimeOffset.UtcNow.AddDays(-30);
        for (var first = 1; first <= messages; first += 512)
        {
            var batch = Enumerable.Range(first, Math.Min(512, messages - first + 1))
                .Select(seq => PayloadTriage.Triage(Topics.Results(Gateway),
                    JsonSerializer.SerializeToUtf8Bytes(Message(seq, specimens[seq % specimens.Count], start.AddSeconds(seq * 40)), WireJson.Default.ResultMessage),
                    $"{Gateway}:{seq}", DateTimeOffset.UtcNow)!)
                .ToList();
            await writer.WriteAsync(batch);
        }
        await using (var c = await database.OpenAsync())
        await using (var count = c.CreateCommand())
        {
            count.CommandText = "SELECT COUNT(*) FROM lab_result";
            output.WriteLine($"{label}: {Convert.ToInt64(await count.ExecuteScalarAsync(), CultureInfo.InvariantCulture):N0} results stored in {fill.Elapsed.TotalSeconds:F0} s");
        }
        await AddPersonAsync(store, "bench.doctor", Lab, WebRole.LabDoctor);
        await AddPersonAsync(store, "bench.clinic", Clinic, WebRole.ClinicDoctor);

        await app.StartAsync();
        var address = new Uri(app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First());
        using var doctor = await SignInAsync(address, "bench.doctor");
        using var clinic = await SignInAsync(address, "bench.clinic");
        foreach (var (who, client, path) in new[]
                 {
                     ("lab doctor", doctor, "/validation"),
                     ("clinic doctor", clinic, "/clinic"),
                     ("clinic doctor", clinic, $"/clinic/patients/{patientWithHistory}/cumulative"),
                 })
        {
            var (p50, p95, bytes) = await TimeAsync(client, path, requests);
            var page = path.Contains("cumulative", StringComparison.Ordinal) ? "/clinic/patients/{id}/cumulative" : path;
            output.WriteLine($"{label} {page} ({who}, {bytes / 1024:N0} KiB): p50 {p50:F0} ms, p95 {p95:F0} ms — target ≤ 300 ms {(p95 <= 300 ? "met" : "NOT met")}; " +
                             $"load average {File.ReadAllText("/proc/loadavg").Split(' ')[0]}");
        }
        await app.StopAsync();
    }

    private static async Task<(List<string> Specimens, string Patient)> RegisterAsync(HubStore store)
    {
        await store.UpsertOrganizationAsync(new Organization { Id = Clinic, Name = "Поликлиника", Kind = OrganizationKind.Clinic });
        await store.UpsertOrganizationAsync(new Organization { Id = Lab, Name = "Лаборатория", Kind = OrganizationKind.Lab });
        await store.UpsertGatewayAsync(Gateway, Lab);
        var specimens = new List<string>(Patients * ReferralsPerPatient);
        string? first = null;
        for (var i = 0; i < Patients; i++)
        {
            var patient = new Patient
            {
                Id = HubId.New(),
                ManagingOrganizationId = Clinic,
                Snils = Hub.Referrals.Snils.Complete((300_000_000 + i).ToString(CultureInfo.InvariantCulture)),
                FamilyName = "Тестова" + i.ToString(CultureInfo.InvariantCulture),
                GivenName = "Анна",
                Sex = Sex.Female,
                BirthDate = new DateOnly(1950 + i % 50, 1 + i % 12, 1 + i % 28),
            };
            for (var r = 0; r < ReferralsPerPatient; r++)
            {
                var reg = (await store.RegisterReferralAsync(new NewReferral
                {
                    Patient = patient,
                    Referral = new Referral
                    {
                        Id = HubId.New(),
                        PatientId = "",
                        OrderingOrganizationId = Clinic,
                        PractitionerName = "Врач",
                        PerformingLabId = Lab,
                        TestCodes = Cbc,
                        Status = ReferralStatus.Active,
                    },
                    Specimens = [("blood-edta", Cbc)],
                })).Registered!;
                specimens.Add(reg.Specimens[0].Id);
                first ??= reg.Referral.PatientId;
            }
        }
        return (specimens, first!);
    }

    private static ResultMessage Message(long seq, string specimen, DateTimeOffset at) => new()
    {
        MessageId = $"{Gateway}:{seq}",
        GatewayId = Gateway,
        Sequence = seq,
        InstrumentId = "xn-1",
        Profile = "sysmex-xn",
        Protocol = "astm",
        Kind = "patient",
        SpecimenId = specimen,
        ReceivedAt = at,
        TranscriptSha256 = new string('a', 64),
        Results = Cbc.Select((code, i) => new ResultItem
        {
            Code = code,
            // Varied by a few percent per message: an identical re-report of the current value is not stored again
            // (Linking/ResultLinker), and the point is a million stored rows of history.
            Value = (code == "HGB" && seq % 25 == 0 ? 11.0 : Math.Round(Normal[i] * (1 + (seq % 5) * 0.01), 2)).ToString(CultureInfo.InvariantCulture),
            Units = Units[i],
            Status = "F",
            CompletedAt = at,
        }).ToList(),
    };

    private static Task AddPersonAsync(HubStore store, string login, string organization, WebRole role) =>
        store.AddWebUserAsync(new WebUser
        {
            Login = login,
            DisplayName = login,
            OrganizationId = organization,
            Role = role,
            PasswordHash = PersonSignIn.Hash(Password),
            Created = DateTimeOffset.UtcNow,
        });

    internal static async Task<HttpClient> SignInAsync(Uri address, string login)
    {
        var client = new HttpClient(new HttpClientHandler { CookieContainer = new CookieContainer(), UseCookies = true, AllowAutoRedirect = false }) { BaseAddress = address };
        var form = await client.GetStringAsync(new Uri("/signin", UriKind.Relative));
        var token = WebUtility.HtmlDecode(TokenField().Match(form).Groups[1].Value);
        using var content = new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["_handler"] = "signin",
            ["__RequestVerificationToken"] = token,
            ["Input.Login"] = login,
            ["Input.Password"] = Password,
        });
        var answer = await client.PostAsync(new Uri("/signin", UriKind.Relative), content);
        if (answer.StatusCode != HttpStatusCode.Redirect) throw new InvalidOperationException($"sign-in of {login} answered {(int)answer.StatusCode}");
        return client;
    }

    internal static async Task<(double P50, double P95, long Bytes)> TimeAsync(HttpClient client, string path, int requests)
    {
        var times = new List<double>(requests);
        long bytes = 0;
        for (var i = 0; i < requests + 5; i++)
        {
            var clock = Stopwatch.StartNew();
            using var response = await client.GetAsync(new Uri(path, UriKind.Relative));
            var body = await response.Content.ReadAsByteArrayAsync();
            clock.Stop();
            if (response.StatusCode != HttpStatusCode.OK) throw new InvalidOperationException($"{path} answered {(int)response.StatusCode}");
            if (i < 5) continue;
            times.Add(clock.Elapsed.TotalMilliseconds);
            bytes = body.Length;
        }
        times.Sort();
        return (times[(int)Math.Ceiling(0.50 * times.Count) - 1], times[(int)Math.Ceiling(0.95 * times.Count) - 1], bytes);
    }

    [GeneratedRegex("name=\"__RequestVerificationToken\" value=\"([^\"]+)\"")]
    private static partial Regex TokenField();
}
