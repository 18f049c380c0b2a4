using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.Json;
using Dapper;
using EdgeLab.Bench.EndToEnd;
using EdgeLab.Bench.Pages;
using EdgeLab.Contract;
using EdgeLab.Hub.Domain;
using EdgeLab.Hub.Hosting;
using EdgeLab.Hub.Store;
using EdgeLab.Hub.Web.Auth;
using EdgeLab.LocalServices;
using EdgeLab.Mqtt;
using Microsoft.Extensions.DependencyInjection;

namespace EdgeLab.Bench.Fleet;

/// <summary>
/// The fleet console at 1,000 gateways (issue 12 §6, "Scale and tests"): a real Mosquitto, the real hub process
/// (<c>edgelab-hub run</c>, SQLite), and 1,000 in-process gateway stand-ins speaking the real contract — each its own
/// broker user and client id, a retained QoS 1 <c>…/status</c> every 30 s (spread evenly), Will = offline status.
/// Prints the hub's CPU per status message (the hub process's user+system time from /proc over a window with statuses,
/// minus the same window idle) and the console's page load p50/p95 (signed in as a fleet operator, one request at a
/// time over loopback, while the statuses keep coming) against the 300 ms target.
/// </summary>
internal static class FleetConsoleBenchmark
{
    private const string Lab = "bench-lab", Region = "bench-region", Operator = "bench.it";
    private static readonly TimeSpan StatusPeriod = TimeSpan.FromSeconds(30);

    public static async Task RunAsync(TextWriter output)
    {
        var count = int.TryParse(Environment.GetEnvironmentVariable("EDGELAB_FLEET_GATEWAYS"), CultureInfo.InvariantCulture, out var g) && g > 0 ? g : BenchSize.Pick(1000, 100);
        var window = TimeSpan.FromSeconds(int.TryParse(Environment.GetEnvironmentVariable("EDGELAB_FLEET_SECONDS"), CultureInfo.InvariantCulture, out var s) && s > 0 ? s : BenchSize.Pick(120, 20));
        var requests = BenchSize.Pick(50, 5);
        var clock = Stopwatch.StartNew();
        void Progress(string what) => output.WriteLine($"  [{clock.Elapsed.TotalSeconds,5:0.0} s] {what}");
        output.WriteLine($"== fleet console: {count} gateways, status every {StatusPeriod.TotalSeconds:0} s each ({count / StatusPeriod.TotalSeconds:0.#}/s), CPU windows {window.TotalSeconds:0} s (EDGELAB_FLEET_GATEWAYS, EDGELAB_FLEET_SECONDS)");

        using var scratch = new ScratchDirectory("bench-fleet");
        await using var broker = await MosquittoProcess.StartAsync();
        var data = scratch.File("hub");
        await EndToEndLatencyBenchmark.RunToEndAsync(EdgeLabComponents.Hub, ["migrate", "--data", data]);
        var ids = Enumerable.Range(1, count).Select(i => $"bench-f{i % 40:D2}-gw{i:D4}").ToList();
        await SeedAsync(data, ids);
        var users = new List<MqttCredentials>(count);
        foreach (var id in ids) users.Add(await broker.AddUserAsync(id));
        Progress($"{count} gateways registered (40 facilities), {count} broker users");

        var httpPort = FreeTcpPort.Next();
        await using var hub = EdgeLabComponents.Start(EdgeLabComponents.Hub, ["run", "--data", data, .. broker.HubArguments, "--urls", $"http://127.0.0.1:{httpPort}"]);
        var address = new Uri($"http://127.0.0.1:{httpPort}/");
        using (var probe = new HttpClient { BaseAddress = address })
        {
            for (var wait = Stopwatch.StartNew(); ; await Task.Delay(200))
            {
                if (hub.HasExited) throw new InvalidOperationException("the hub exited: " + hub.Output);
                if (wait.Elapsed > TimeSpan.FromSeconds(90)) throw new TimeoutException("hub /health not ready in 90 s");
                try { if ((await probe.GetAsync(new Uri("health", UriKind.Relative))).IsSuccessStatusCode) break; } catch (HttpRequestException) { }
            }
        }

        var random = new Random(12);
        var standIns = new MqttClient[count];
        await Parallel.ForAsync(0, count, new ParallelOptions { MaxDegreeOfParallelism = 16 }, async (i, ct) =>
        {
            standIns[i] = new MqttClient(new MqttClientOptions
            {
                Host = broker.Host,
                Port = broker.Port,
                ClientId = ids[i],
                UserName = users[i].UserName,
                Password = Encoding.UTF8.GetBytes(users[i].Password),
                Will = new MqttWill { Topic = Topics.Status(ids[i]), Retain = true, Payload = Status(ids[i], false, 0) },
            });
            await standIns[i].ConnectAsync(ct);
        });
        long published = 0;
        async Task PublishAsync(int i, bool online)
        {
            await standIns[i].PublishAsync(new MqttApplicationMessage { Topic = Topics.Status(ids[i]), Retain = true, Payload = Status(ids[i], online, i) });
            Interlocked.Increment(ref published);
        }
        await Parallel.ForAsync(0, count, new ParallelOptions { MaxDegreeOfParallelism = 16 }, async (i, _) => await PublishAsync(i, online: i % 50 != 0));
        Progress($"{count} stand-ins connected, first status sent (1 in 50 offline)");
        await Task.Delay(TimeSpan.FromSeconds(10)); // let ingest catch up with the first wave

        // Idle window: connected, no statuses — the hub's own background (sweeps, alerts, membership).
        var idle = await CpuOverAsync(hub.Pid, window, () => Task.CompletedTask);
        Progress($"idle window: hub CPU {idle.Cpu.TotalMilliseconds:F0} ms in {idle.Wall.TotalSeconds:F0} s");

        // Status window: every gateway once per 30 s, spread evenly, round-robin.
        using var stop = new CancellationTokenSource();
        var next = 0;
        var interval = StatusPeriod / count;
        var sender = Task.Run(async () =>
        {
            var paced = Stopwatch.StartNew();
            for (long n = 0; !stop.IsCancellationRequested; n++)
            {
                var due = interval * n - paced.Elapsed;
                if (due > TimeSpan.Zero) await Task.Delay(due);
                var i = next++ % count;
                await PublishAsync(i, online: i % 50 != 0);
            }
        });
        var before = Interlocked.Read(ref published);
        var busy = await CpuOverAsync(hub.Pid, window, () => Task.CompletedTask);
        var statuses = Interlocked.Read(ref published) - before;
        var net = busy.Cpu - idle.Cpu * (busy.Wall / idle.Wall);
        output.WriteLine($"hub CPU per status message: {busy.Cpu.TotalMicroseconds / statuses:F0} µs gross, {Math.Max(0, net.TotalMicroseconds) / statuses:F0} µs net of idle " +
                         $"({statuses} statuses in {busy.Wall.TotalSeconds:F0} s = {statuses / busy.Wall.TotalSeconds:F1}/s; hub {busy.Cpu.TotalMilliseconds:F0} ms CPU, idle {idle.Cpu.TotalMilliseconds:F0} ms)");

        // Page loads, statuses still coming.
        using var person = await PagesBenchmark.SignInAsync(address, Operator);
        foreach (var path in new[] { "/fleet", "/fleet?state=offline&sort=outbox&dir=desc", "/fleet?q=gw05&facility=bench-f10", $"/fleet/gateways/{ids[7]}" })
        {
            var (p50, p95, bytes) = await PagesBenchmark.TimeAsync(person, path, requests);
            output.WriteLine($"{path} ({bytes / 1024:N0} KiB): p50 {p50:F0} ms, p95 {p95:F0} ms — target ≤ 300 ms {(p95 <= 300 ? "met" : "NOT met")}; load average {File.ReadAllText("/proc/loadavg").Split(' ')[0]}");
        }
        await stop.CancelAsync();
        await sender;
        foreach (var c in standIns) await c.DisposeAsync();
    }

    private static async Task SeedAsync(string data, IReadOnlyList<string> ids)
    {
        await using var services = new ServiceCollection().AddSingleton(TimeProvider.System).AddHubStore(new HubStorageOptions { DataDirectory = data }).BuildServiceProvider();
        var store = services.GetRequiredService<HubStore>();
        await store.UpsertOrganizationAsync(new Organization { Id = Lab, Name = "Лаборатория", Kind = OrganizationKind.Lab });
        await store.UpsertOrganizationAsync(new Organization { Id = Region, Name = "Региональный центр", Kind = OrganizationKind.Clinic });
        foreach (var id in ids) await store.UpsertGatewayAsync(id, Lab);
        await using (var c = await services.GetRequiredService<IHubDatabase>().OpenAsync())
        {
            foreach (var id in ids)
                await c.ExecuteAsync("UPDATE gateway SET facility = @f, cert_not_after = @c WHERE id = @id",
                    new { id, f = id[..9], c = DateTimeOffset.UtcNow.AddDays(10 + (uint)id.GetHashCode(StringComparison.Ordinal) % 300).ToUnixTimeMilliseconds() });
        }
        await store.AddWebUserAsync(new WebUser
        {
            Login = Operator,
            DisplayName = Operator,
            OrganizationId = Region,
            Role = WebRole.FleetOperator,
            PasswordHash = PersonSignIn.Hash(PagesBenchmark.Password),
            Created = DateTimeOffset.UtcNow,
        });
    }

    private static byte[] Status(string id, bool online, int i) => JsonSerializer.SerializeToUtf8Bytes(new StatusMessage
    {
        GatewayId = id,
        Online = online,
        At = DateTimeOffset.UtcNow,
        Version = "1.4.0",
        ConfigVersion = 3,
        UptimeSeconds = 86_400 + i,
        OutboxDepth = i % 7,
        OldestUnsentAgeSeconds = i % 7 == 0 ? null : i % 300,
        DiskFreeBytes = 8L << 30,
        Instruments =
        [
            new InstrumentLinkState { InstrumentId = "xn-550-1", Profile = "sysmex-xn", State = i % 13 == 0 ? "down" : "up", Since = DateTimeOffset.UtcNow.AddHours(-3) },
            new InstrumentLinkState { InstrumentId = "bc-5380-1", Profile = "mindray-bc", State = "up", Since = DateTimeOffset.UtcNow.AddHours(-3) },
        ],
    }, WireJson.Default.StatusMessage);

    /// <summary>The process's user + system CPU time over <paramref name="window"/> (/proc/PID/stat, clock ticks of 10 ms).</summary>
    private static async Task<(TimeSpan Cpu, TimeSpan Wall)> CpuOverAsync(int pid, TimeSpan window, Func<Task> during)
    {
        var start = Cpu(pid);
        var wall = Stopwatch.StartNew();
        await during();
        await Task.Delay(window);
        return (Cpu(pid) - start, wall.Elapsed);
    }

    private static TimeSpan Cpu(int pid)
    {
        // Fields after the command name (which is in parentheses and may hold spaces): utime is the 14th field, stime the 15th.
        var stat = File.ReadAllText($"/proc/{pid}/stat");
        var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
        var ticks = long.Parse(fields[11], CultureInfo.InvariantCulture) + long.Parse(fields[12], CultureInfo.InvariantCulture);
        return TimeSpan.FromMilliseconds(ticks * 10);
    }
}
