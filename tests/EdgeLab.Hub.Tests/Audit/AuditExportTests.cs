using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;
using EdgeLab.Hub.Audit;
using EdgeLab.Hub.Auth;
using EdgeLab.Hub.Domain;
using EdgeLab.Hub.Hosting;
using EdgeLab.Hub.Tests.Support;
using EdgeLab.LocalServices;
using EdgeLab.Testing;

namespace EdgeLab.Hub.Tests.Audit;

/// <summary><c>edgelab-hub audit export</c>: the whole region's trail, every organization, streamed in chunks.</summary>
public sealed class AuditExportTests
{
    public static TheoryData<string> Providers => TestHub.Providers;

    private static readonly DateTimeOffset Start = new(2026, 11, 20, 0, 0, 0, TimeSpan.Zero);

    [Theory]
    [MemberData(nameof(Providers))]
    public async Task Exports_every_organizations_entries_in_the_window_oldest_first_across_chunks(string provider)
    {
        await using var hub = await TestHub.CreateAsync(provider);
        // More than two chunks, two organizations, some on the window's edges; many share one millisecond.
        var entries = Enumerable.Range(0, AuditExportCommand.ChunkSize * 2 + 17).Select(i => Entry(Start.AddMilliseconds(i / 3), i % 2 == 0 ? TestHub.Clinic : TestHub.OtherClinic, i)).ToList();
        entries.Add(Entry(Start.AddMilliseconds(-1), TestHub.Clinic, -1));
        entries.Add(Entry(Start.AddDays(1), TestHub.Clinic, -2));
        await hub.Store.AppendAuditAsync(entries);

        using var ndjson = new MemoryStream();
        var count = await AuditExportCommand.ExportAsync(hub.Store, Start, Start.AddDays(1), AuditExportFormat.Ndjson, ndjson, TextWriter.Null, new FakeTimeProvider(), CancellationToken.None);
        Assert.Equal(AuditExportCommand.ChunkSize * 2 + 17, count);
        var lines = Encoding.UTF8.GetString(ndjson.ToArray()).Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => JsonNode.Parse(l)!).ToList();
        Assert.Equal(count, lines.Count);
        Assert.Equal(lines.Count, lines.Select(l => (long)l["id"]!).Distinct().Count());
        Assert.Equal(lines.Select(l => (string)l["at"]!), lines.Select(l => (string)l["at"]!).Order(StringComparer.Ordinal));
        Assert.Equal([TestHub.Clinic, TestHub.OtherClinic], lines.Select(l => (string)l["organizationId"]!).Distinct().Order(StringComparer.Ordinal));
        Assert.Equal("2026-11-20T00:00:00.000Z", (string?)lines[0]["at"]);
    }

    [Fact]
    public async Task Csv_quotes_commas_and_quotes_and_defuses_formulas()
    {
        await using var hub = await TestHub.CreateAsync("sqlite");
        await hub.Store.AppendAuditAsync([Entry(Start, TestHub.Clinic, 1) with { ResourceId = "=HYPERLINK(\"x\")", Query = "?family=a,b" }]);
        using var csv = new MemoryStream();
        Assert.Equal(1, await AuditExportCommand.ExportAsync(hub.Store, Start, Start.AddDays(1), AuditExportFormat.Csv, csv, TextWriter.Null, new FakeTimeProvider(), CancellationToken.None));
        var rows = Encoding.UTF8.GetString(csv.ToArray()).Split("\r\n", StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal("id,at,client_id,organization_id,action,resource_type,resource_id,patient_id,status_code,remote_address,query", rows[0]);
        Assert.EndsWith(",read,Patient,\"'=HYPERLINK(\"\"x\"\")\",P1,200,127.0.0.1,\"?family=a,b\"", rows[1], StringComparison.Ordinal);
    }

    [Theory]
    [MemberData(nameof(Providers))]
    public async Task The_command_writes_the_file_and_reports_on_stderr(string provider)
    {
        await using var hub = await TestHub.CreateAsync(provider);
        await hub.Store.AppendAuditAsync([Entry(Start, TestHub.Clinic, 1), Entry(Start.AddHours(1), TestHub.OtherClinic, 2)]);
        using var dir = new ScratchDirectory("auditexport");
        var file = Path.Combine(dir.Path, "trail.ndjson");
        await using var p = EdgeLabComponents.Start(EdgeLabComponents.Hub,
            ["audit", "export", "--since", "2026-11-20", "--until", "2026-11-21T00:00:00Z", "--format", "ndjson", "--out", file, .. hub.StorageArguments]);
        Assert.True(await p.WaitForExitAsync(TimeSpan.FromSeconds(60)));
        Assert.Equal(0, p.ExitCode);
        Assert.Equal(2, (await File.ReadAllLinesAsync(file)).Length);
        await using var bad = EdgeLabComponents.Start(EdgeLabComponents.Hub, ["audit", "export", "--since", "last week", .. hub.StorageArguments]);
        Assert.True(await bad.WaitForExitAsync(TimeSpan.FromSeconds(60)));
        Assert.Equal(2, bad.ExitCode);
    }

    [Theory]
    [InlineData("90d", 90 * 24 * 60)]
    [InlineData("12h", 12 * 60)]
    [InlineData("30m", 30)]
    public void Token_lifetimes_parse(string text, int minutes) =>
        Assert.Equal(DateTimeOffset.UnixEpoch.AddMinutes(minutes), TokenLifetime.Expiry(text, null, DateTimeOffset.UnixEpoch));

    [Theory]
    [InlineData("90", null)]
    [InlineData("0d", null)]
    [InlineData("99999999d", null)]
    [InlineData(null, "2001-01-01")]
    [InlineData(null, "soon")]
    [InlineData("1d", "2030-01-01")]
    public void Bad_token_lifetimes_name_the_option(string? expiresIn, string? expires)
    {
        var e = Assert.Throws<ArgumentException>(() => TokenLifetime.Expiry(expiresIn, expires, new DateTimeOffset(2026, 12, 5, 0, 0, 0, TimeSpan.Zero)));
        Assert.Contains("--expires", e.Message, StringComparison.Ordinal);
    }

    private static AuditEntry Entry(DateTimeOffset at, string organization, int n) => new()
    {
        At = at,
        ClientId = organization + "-emr",
        OrganizationId = organization,
        Action = "read",
        ResourceType = "Patient",
        ResourceId = "r" + n.ToString(CultureInfo.InvariantCulture),
        PatientId = "P1",
        StatusCode = 200,
        RemoteAddress = "127.0.0.1",
    };
}
