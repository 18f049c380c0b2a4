using EdgeLab.Gateway.Fleet.Update;

namespace EdgeLab.Gateway.Tests.Fleet;

/// <summary>
/// A/B install on a real file system (issue 12 §4): verify before touching anything, extract into the idle slot, swap
/// the <c>current</c> symlink, and roll back unless the new version commits after its health check — never once committed.
/// </summary>
public sealed class SlotInstallerTests
{
    private static readonly Dictionary<string, string> Version2 = new() { ["VERSION"] = "2.0.0", ["lib/app.dll"] = "v2" };

    [Fact]
    public void A_verified_package_goes_into_the_idle_slot_and_current_is_swapped_to_it()
    {
        using var fixture = new UpdatePackageFixture();
        using var verifier = fixture.Verifier();
        fixture.FactoryImage();
        var installer = new SlotInstaller(fixture.Slots);
        var (archive, signature) = fixture.Package("v2", Version2);

        Assert.Equal(PackageVerdict.Ok, installer.Install(archive, signature, "2.0.0", verifier));

        Assert.Equal("b", new FileInfo(fixture.Slots.CurrentLink).LinkTarget);
        Assert.Equal("2.0.0", fixture.CurrentVersionFile());
        Assert.Equal("1.0.0", File.ReadAllText(Path.Combine(fixture.Slots.PathOf(Slot.A), "VERSION")));
        var journal = installer.Journal;
        Assert.Equal((UpdateState.Trial, "2.0.0", Slot.A, Slot.B, 0), (journal.State, journal.Version, journal.Previous, journal.Candidate, journal.TrialStarts));
        Assert.Empty(Directory.GetFiles(fixture.Slots.Root, "*.tmp"));
    }

    [Fact]
    public void A_tampered_package_is_refused_before_anything_is_installed()
    {
        using var fixture = new UpdatePackageFixture();
        using var verifier = fixture.Verifier();
        fixture.FactoryImage();
        var installer = new SlotInstaller(fixture.Slots);
        var (archive, signature) = fixture.Package("v2", Version2);
        var bytes = File.ReadAllBytes(archive);
        bytes[^1] ^= 0xFF; // gzip's last byte (ISIZE, high byte): the archive still decompresses
        File.WriteAllBytes(archive, bytes);

        var verdict = installer.Install(archive, signature, "2.0.0", verifier);

        Assert.False(verdict.Valid);
        Assert.Contains("does not match", verdict.Error);
        Assert.Equal("a", new FileInfo(fixture.Slots.CurrentLink).LinkTarget);
        Assert.False(Directory.Exists(fixture.Slots.PathOf(Slot.B)));
        Assert.Equal(UpdateState.Idle, installer.Journal.State);
    }

    [Fact]
    public void An_unsigned_package_is_refused()
    {
        using var fixture = new UpdatePackageFixture();
        using var verifier = fixture.Verifier();
        fixture.FactoryImage();
        var installer = new SlotInstaller(fixture.Slots);
        var (archive, signature) = fixture.Package("v2", Version2);
        File.Delete(signature);

        var verdict = installer.Install(archive, signature, "2.0.0", verifier);

        Assert.False(verdict.Valid);
        Assert.Contains("unsigned", verdict.Error);
        Assert.Equal("a", new FileInfo(fixture.Slots.CurrentLink).LinkTarget);
    }

    [Fact]
    public void The_first_start_of_a_new_version_runs_a_trial_and_commit_keeps_it_for_good()
    {
        using var fixture = new UpdatePackageFixture();
        using var verifier = fixture.Verifier();
        fixture.FactoryImage();
        var installer = new SlotInstaller(fixture.Slots);
        var (archive, signature) = fixture.Package("v2", Version2);
        installer.Install(archive, signature, "2.0.0", verifier);

        Assert.Equal(StartDecision.RunTrial, installer.OnStart());
        installer.Commit();

        // A later start (a reboot, or the hub asking again because the report was lost) does not reopen the question.
        Assert.Equal(StartDecision.Run, installer.OnStart());
        var ex = Assert.Throws<InvalidOperationException>(() => installer.RollBack("health report lost"));
        Assert.Contains("committed", ex.Message);
        Assert.Equal("2.0.0", fixture.CurrentVersionFile());
        Assert.Equal(UpdateState.Committed, installer.Journal.State);
    }

    [Fact]
    public void A_failed_health_check_rolls_back_to_the_previous_slot_and_the_old_version_runs()
    {
        using var fixture = new UpdatePackageFixture();
        using var verifier = fixture.Verifier();
        fixture.FactoryImage();
        var installer = new SlotInstaller(fixture.Slots);
        var (archive, signature) = fixture.Package("v2", Version2);
        installer.Install(archive, signature, "2.0.0", verifier);
        Assert.Equal(StartDecision.RunTrial, installer.OnStart());

        installer.RollBack("uplink not connected within 120 s");

        Assert.Equal("1.0.0", fixture.CurrentVersionFile());
        Assert.Equal((UpdateState.RolledBack, "uplink not connected within 120 s"), (installer.Journal.State, installer.Journal.Reason));
        Assert.Equal(StartDecision.Run, installer.OnStart());
    }

    [Fact]
    public void A_new_version_that_dies_before_its_health_check_is_rolled_back_on_the_next_start()
    {
        using var fixture = new UpdatePackageFixture();
        using var verifier = fixture.Verifier();
        fixture.FactoryImage();
        var installer = new SlotInstaller(fixture.Slots);
        var (archive, signature) = fixture.Package("v2", Version2);
        installer.Install(archive, signature, "2.0.0", verifier);
        Assert.Equal(StartDecision.RunTrial, installer.OnStart());

        // The process crashed (or the watchdog killed it); the service manager starts current again.
        Assert.Equal(StartDecision.ExitForRollback, installer.OnStart());

        Assert.Equal("1.0.0", fixture.CurrentVersionFile());
        Assert.Equal(UpdateState.RolledBack, installer.Journal.State);
        Assert.Equal(StartDecision.Run, installer.OnStart());
    }

    [Fact]
    public void A_power_cut_that_lost_the_switch_leaves_the_old_version_running_and_records_the_rollback()
    {
        using var fixture = new UpdatePackageFixture();
        using var verifier = fixture.Verifier();
        fixture.FactoryImage();
        var installer = new SlotInstaller(fixture.Slots);
        var (archive, signature) = fixture.Package("v2", Version2);
        installer.Install(archive, signature, "2.0.0", verifier);
        fixture.Slots.SwitchTo(Slot.A); // what the card holds if the rename never reached it

        Assert.Equal(StartDecision.Run, installer.OnStart());
        Assert.Equal(UpdateState.RolledBack, installer.Journal.State);
        Assert.Equal("1.0.0", fixture.CurrentVersionFile());
    }

    [Fact]
    public void A_second_update_alternates_slots_and_never_overwrites_the_running_one()
    {
        using var fixture = new UpdatePackageFixture();
        using var verifier = fixture.Verifier();
        fixture.FactoryImage();
        var installer = new SlotInstaller(fixture.Slots);
        var (v2, v2sig) = fixture.Package("v2", Version2);
        installer.Install(v2, v2sig, "2.0.0", verifier);
        installer.OnStart();
        installer.Commit();
        var (v3, v3sig) = fixture.Package("v3", new Dictionary<string, string> { ["VERSION"] = "3.0.0" });

        Assert.Equal(PackageVerdict.Ok, installer.Install(v3, v3sig, "3.0.0", verifier));

        Assert.Equal("a", new FileInfo(fixture.Slots.CurrentLink).LinkTarget);
        Assert.Equal("3.0.0", fixture.CurrentVersionFile());
        Assert.Equal("2.0.0", File.ReadAllText(Path.Combine(fixture.Slots.PathOf(Slot.B), "VERSION")));
        Assert.Equal(Slot.B, installer.Journal.Previous);
    }

    [Fact]
    public void A_second_package_while_one_is_on_trial_is_refused()
    {
        using var fixture = new UpdatePackageFixture();
        using var verifier = fixture.Verifier();
        fixture.FactoryImage();
        var installer = new SlotInstaller(fixture.Slots);
        var (v2, v2sig) = fixture.Package("v2", Version2);
        installer.Install(v2, v2sig, "2.0.0", verifier);

        var verdict = installer.Install(v2, v2sig, "2.0.1", verifier);

        Assert.False(verdict.Valid);
        Assert.Contains("still on trial", verdict.Error);
    }

    [Theory]
    [InlineData("2.0.0\nstate=Committed")]
    [InlineData("")]
    [InlineData("../../etc")]
    public void A_version_that_is_not_plain_text_is_refused(string version)
    {
        using var fixture = new UpdatePackageFixture();
        using var verifier = fixture.Verifier();
        fixture.FactoryImage();
        var (v2, v2sig) = fixture.Package("v2", Version2);

        Assert.False(new SlotInstaller(fixture.Slots).Install(v2, v2sig, version, verifier).Valid);
    }
}
