using EdgeLab.Gateway.Configuration;
using EdgeLab.Gateway.Fleet.Update;
using EdgeLab.Gateway.Hosting;
using EdgeLab.LocalServices;

namespace EdgeLab.Gateway.Tests.Fleet;

/// <summary>
/// The whole A/B swap with real processes (issue 12 §4): the real <c>edgelab-gateway</c> on a real Mosquitto, started
/// the way systemd starts it — <c>ROOT/current/edgelab-gateway</c> again whenever it exits (<c>Restart=always</c> in
/// deploy/systemd; here the test is the supervisor). Each slot's launcher execs the built gateway; a "bad" new
/// version is one whose launcher points it at a broker nobody runs, so its uplink never connects.
/// </summary>
public sealed class UpdateRollbackProcessTests
{
    private static readonly TimeSpan Generous = TimeSpan.FromSeconds(90);

    private sealed class Site : IAsyncDisposable
    {
        private Site(MosquittoProcess broker, UpdatePackageFixture fixture, string goodConfig, string badConfig)
        {
            Broker = broker;
            Fixture = fixture;
            GoodConfig = goodConfig;
            BadConfig = badConfig;
        }

        public MosquittoProcess Broker { get; }
        public UpdatePackageFixture Fixture { get; }
        public string GoodConfig { get; }
        public string BadConfig { get; }

        public static async Task<Site> StartAsync()
        {
            var broker = await MosquittoProcess.StartAsync();
            var fixture = new UpdatePackageFixture();
            var credentials = await broker.AddUserAsync("upd-gw01");
            var config = new GatewayConfig
            {
                GatewayId = "upd-gw01",
                DataDirectory = fixture.File("data"),
                ProfilesDirectory = fixture.File("profiles"),
                Mqtt = new MqttConfig { Host = "127.0.0.1", Port = broker.Port, Username = credentials.UserName, PasswordFile = broker.PasswordFileFor(credentials) },
                StatusPage = null,
            };
            Directory.CreateDirectory(config.ProfilesDirectory);
            var good = fixture.File("gateway.json");
            await File.WriteAllTextAsync(good, GatewayConfigLoader.Serialize(config));
            var bad = fixture.File("gateway-unreachable.json");
            await File.WriteAllTextAsync(bad, GatewayConfigLoader.Serialize(config with { Mqtt = config.Mqtt with { Port = FreeTcpPort.Next() } }));
            return new Site(broker, fixture, good, bad);
        }

        /// <summary>A slot's launcher: what a package's <c>edgelab-gateway</c> is, reduced to the options that matter here.</summary>
        public string Launcher(string config, int healthSeconds) =>
            $"#!/bin/sh\nexec dotnet '{EdgeLabComponents.Locate(EdgeLabComponents.Gateway)}' run --config '{config}' --update-root '{Fixture.Slots.Root}' --update-health-seconds {healthSeconds}\n";

        /// <summary>One start by the "service manager".</summary>
        public ChildProcess StartCurrent() => ChildProcess.Start(Path.Combine(Fixture.Slots.CurrentLink, "edgelab-gateway"), [], name: "gateway");

        public async Task InstallAsync(string name, string launcher)
        {
            var (archive, _) = Fixture.Package(name, new Dictionary<string, string> { ["VERSION"] = name, ["edgelab-gateway"] = launcher });
            var key = Fixture.File("release.pub");
            await File.WriteAllTextAsync(key, Fixture.ReleaseKey.ExportSubjectPublicKeyInfoPem());
            await using var cli = EdgeLabComponents.Start(EdgeLabComponents.Gateway,
                ["update", "install", "--root", Fixture.Slots.Root, "--package", archive, "--version", name, "--release-key", key], name: "update-install");
            Assert.True(await cli.WaitForExitAsync(Generous), cli.Output);
            Assert.True(cli.ExitCode == 0, cli.Output);
        }

        public async ValueTask DisposeAsync()
        {
            await Broker.DisposeAsync();
            Fixture.Dispose();
        }
    }

    [Fact]
    public async Task A_new_version_that_never_becomes_healthy_is_rolled_back_and_the_previous_one_runs_again()
    {
        await using var site = await Site.StartAsync();
        site.Fixture.FactoryImage(site.Launcher(site.GoodConfig, 60));
        await site.InstallAsync("2.0.0", site.Launcher(site.BadConfig, 3));

        await using (var trial = site.StartCurrent())
        {
            Assert.True(await trial.WaitForExitAsync(Generous), "the new version should give up after its window\n" + trial.Output);
            Assert.True(trial.ExitCode == RunCommand.RestartExitCode, $"exit {trial.ExitCode}\n{trial.Output}");
            Assert.Contains("rolled back", trial.Output, StringComparison.Ordinal);
        }
        var journal = UpdateJournal.Load(site.Fixture.Slots.JournalPath);
        Assert.Equal(UpdateState.RolledBack, journal.State);
        Assert.Contains("uplink not connected to the broker", journal.Reason, StringComparison.Ordinal);
        Assert.Equal(Slot.A, site.Fixture.Slots.Active);

        // The service manager starts current again: the old version, which runs normally and stays up.
        await using var previous = site.StartCurrent();
        await UntilAsync(() => previous.Output.Contains("update 2.0.0 was rolled back", StringComparison.OrdinalIgnoreCase), () => previous.Output);
        Assert.False(previous.HasExited, previous.Output);
        Assert.Equal("1.0.0", site.Fixture.CurrentVersionFile());
    }

    [Fact]
    public async Task A_healthy_new_version_is_committed_and_a_later_restart_keeps_it()
    {
        await using var site = await Site.StartAsync();
        site.Fixture.FactoryImage(site.Launcher(site.GoodConfig, 60));
        await site.InstallAsync("2.0.0", site.Launcher(site.GoodConfig, 60));

        await using (var trial = site.StartCurrent())
        {
            await UntilAsync(() => UpdateJournal.Load(site.Fixture.Slots.JournalPath).State == UpdateState.Committed, () => trial.Output);
            await trial.StopAsync();
        }

        // Stopped after the commit (as a lost report or a reboot would find it): the next start runs 2.0.0, no trial.
        await using var again = site.StartCurrent();
        await UntilAsync(() => again.Output.Contains("Outbox opened", StringComparison.Ordinal), () => again.Output);
        Assert.Equal(UpdateState.Committed, UpdateJournal.Load(site.Fixture.Slots.JournalPath).State);
        Assert.Equal("2.0.0", site.Fixture.CurrentVersionFile());
        Assert.DoesNotContain("first start", again.Output, StringComparison.Ordinal);
    }

    private static async Task UntilAsync(Func<bool> condition, Func<string> what)
    {
        var deadline = DateTime.UtcNow + Generous;
        while (!condition())
        {
            if (DateTime.UtcNow > deadline)
            {
                Assert.Fail("timed out; output:\n" + what());
            }
            await Task.Delay(100);
        }
    }
}
