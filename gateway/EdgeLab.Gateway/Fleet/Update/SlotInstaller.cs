using System.Formats.Tar;
using System.IO.Compression;

namespace EdgeLab.Gateway.Fleet.Update;

/// <summary>What the process that just started must do (<see cref="SlotInstaller.OnStart"/>).</summary>
internal enum StartDecision
{
    /// <summary>Nothing on trial: run.</summary>
    Run,

    /// <summary>This is a new version's first start: run, check health, then <see cref="SlotInstaller.Commit"/> or <see cref="SlotInstaller.RollBack"/>.</summary>
    RunTrial,

    /// <summary>The trial failed and <c>current</c> names the previous slot again: exit so the service manager starts it.</summary>
    ExitForRollback,
}

/// <summary>
/// A/B install of a signed application package (issue 12 §4): verify the signature on the open archive → extract into
/// the slot that is not running → journal <see cref="UpdateState.Trial"/> → swap <c>current</c>. The service manager
/// (systemd in production, <c>Restart=always</c>; a test's supervisor here) then starts the new version, which calls
/// <see cref="OnStart"/> first: a second start still on trial means the first one died before its health check passed,
/// so it rolls back. Nothing in the running slot is touched until the package has been verified.
/// </summary>
internal sealed class SlotInstaller(SlotDirectory slots)
{
    /// <summary>A signature file larger than this is refused before it is read.</summary>
    private const long MaxSignatureFileBytes = 4096;

    public UpdateJournal Journal => UpdateJournal.Load(slots.JournalPath);

    /// <summary>Installs <paramref name="archivePath"/> into the idle slot and makes it current; refuses (and touches nothing) when the signature fails.</summary>
    public PackageVerdict Install(string archivePath, string signaturePath, string version, UpdatePackageVerifier verifier)
    {
        if (!IsVersionText(version))
        {
            return PackageVerdict.Refused($"version \"{version}\": expected 1–64 of A–Z a–z 0–9 . _ + -");
        }
        var journal = Journal;
        if (journal.State == UpdateState.Trial)
        {
            return PackageVerdict.Refused($"{slots.JournalPath}: version {journal.Version} is still on trial; commit or roll it back first");
        }
        var signatureFile = new FileInfo(signaturePath);
        if (!signatureFile.Exists)
        {
            return PackageVerdict.Refused($"{signaturePath}: no signature beside the package; unsigned packages are never installed");
        }
        if (signatureFile.Length > MaxSignatureFileBytes)
        {
            return PackageVerdict.Refused($"{signaturePath}: {signatureFile.Length} bytes is not a signature");
        }
        var signature = File.ReadAllBytes(signaturePath);

        // One open stream for the check and the extraction: the bytes installed are the bytes verified.
        using var archive = new FileStream(archivePath, FileMode.Open, FileAccess.Read, FileShare.Read);
        var verdict = verifier.Verify(archive, signature, archivePath);
        if (!verdict.Valid)
        {
            return verdict;
        }
        archive.Position = 0;

        var active = slots.Active;
        var candidate = SlotDirectory.Other(active);
        var target = slots.Prepare(candidate);
        try
        {
            using var gzip = new GZipStream(archive, CompressionMode.Decompress, leaveOpen: true);
            // TarFile refuses entries that would land outside the target (../, absolute paths).
            TarFile.ExtractToDirectory(gzip, target, overwriteFiles: false);
        }
        catch (Exception ex) when (ex is InvalidDataException or IOException or UnauthorizedAccessException)
        {
            Directory.Delete(target, recursive: true);
            return PackageVerdict.Refused($"{archivePath}: signed, but not a tar.gz that extracts into {target} ({ex.Message})");
        }

        // Journal first, link second: after a power cut between the two, OnStart finds "trial" with current still on
        // the old slot and records a rollback instead of running a version nobody started. The files go to the card
        // before either, or a cut could leave current naming a slot of empty files.
        SyncFiles(target);
        new UpdateJournal(UpdateState.Trial, version, active, candidate, 0, null).Save(slots.JournalPath);
        slots.SwitchTo(candidate);
        return PackageVerdict.Ok;
    }

    /// <summary>Called first thing by every start of the application; see <see cref="StartDecision"/>.</summary>
    public StartDecision OnStart()
    {
        var journal = Journal;
        if (journal.State != UpdateState.Trial)
        {
            return StartDecision.Run;
        }
        if (slots.Active != journal.Candidate)
        {
            // The swap did not survive (power cut before the rename reached the card): the old version is running.
            Save(journal with { State = UpdateState.RolledBack, Reason = "current does not name the new slot (switch lost or rollback cut short)" });
            return StartDecision.Run;
        }
        if (journal.TrialStarts >= 1)
        {
            RollBack("the new version stopped before its health check passed");
            return StartDecision.ExitForRollback;
        }
        Save(journal with { TrialStarts = journal.TrialStarts + 1 });
        return StartDecision.RunTrial;
    }

    /// <summary>The health check passed: keep the new version for good.</summary>
    public void Commit()
    {
        var journal = Journal;
        if (journal.State != UpdateState.Trial)
        {
            throw new InvalidOperationException($"{slots.JournalPath}: nothing on trial to commit (state {journal.State})");
        }
        Save(journal with { State = UpdateState.Committed, Reason = null });
    }

    /// <summary>Back to the previous slot. Refused once committed: a committed version is only replaced by a new update.</summary>
    public void RollBack(string reason)
    {
        var journal = Journal;
        if (journal.State == UpdateState.Committed)
        {
            throw new InvalidOperationException($"{slots.JournalPath}: version {journal.Version} is committed and is not rolled back; install the previous package as a new update instead");
        }
        if (journal.State != UpdateState.Trial)
        {
            throw new InvalidOperationException($"{slots.JournalPath}: nothing on trial to roll back (state {journal.State})");
        }
        // Link first, journal second: a power cut between them leaves "trial" with current on the old slot, which
        // OnStart records as rolled back — never "rolled back" with the new version still current.
        slots.SwitchTo(journal.Previous);
        Save(journal with { State = UpdateState.RolledBack, Reason = reason });
    }

    private static void SyncFiles(string directory)
    {
        foreach (var path in Directory.EnumerateFiles(directory, "*", SearchOption.AllDirectories))
        {
            if (new FileInfo(path).LinkTarget is not null)
            {
                continue;
            }
            using var file = new FileStream(path, FileMode.Open, FileAccess.ReadWrite, FileShare.Read);
            file.Flush(flushToDisk: true);
        }
    }

    private void Save(UpdateJournal journal) => journal.Save(slots.JournalPath);

    private static bool IsVersionText(string version) =>
        version.Length is > 0 and <= 64
        && version.AsSpan().IndexOfAnyExcept("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789._+-") < 0;
}
