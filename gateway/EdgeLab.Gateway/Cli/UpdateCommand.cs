using System.CommandLine;
using EdgeLab.Gateway.Fleet.Update;

namespace EdgeLab.Gateway.Cli;

/// <summary>
/// <c>edgelab-gateway update install --root DIR --package FILE --version V --release-key PEM [--signature FILE]</c> and
/// <c>edgelab-gateway update status --root DIR</c>: install a signed package into the idle slot (the service manager's
/// restart then starts it on trial, <see cref="UpdateTrial"/>), and show the journal. A refused package leaves the
/// device as it was and says why (exit code 1).
/// </summary>
internal static class UpdateCommand
{
    public const int Installed = 0;
    public const int Refused = 1;

    public static Command Create()
    {
        var root = new Option<DirectoryInfo>("--root") { Description = "A/B install root (a/, b/, current, update.state)", Required = true };
        var package = new Option<FileInfo>("--package") { Description = "The package, a tar.gz archive", Required = true };
        var signature = new Option<FileInfo?>("--signature") { Description = "Its detached ECDSA P-256 signature (default: PACKAGE.sig)" };
        var version = new Option<string>("--version") { Description = "Version the package installs, as the hub names it", Required = true };
        var releaseKey = new Option<FileInfo>("--release-key") { Description = "The release public key (PEM) the signature must match", Required = true };

        var install = new Command("install", "Verify a signed package, install it into the idle slot and make it current (on trial until its health check passes)")
        {
            root, package, signature, version, releaseKey,
        };
        install.SetAction(parse =>
        {
            var output = parse.InvocationConfiguration.Output;
            var error = parse.InvocationConfiguration.Error;
            var archive = parse.GetValue(package)!.FullName;
            var signatureFile = parse.GetValue(signature)?.FullName ?? archive + ".sig";
            UpdatePackageVerifier verifier;
            try
            {
                verifier = UpdatePackageVerifier.FromPublicKeyFile(parse.GetValue(releaseKey)!.FullName);
            }
            catch (Exception ex) when (ex is InvalidDataException or IOException)
            {
                error.WriteLine(ex.Message);
                return Refused;
            }
            using (verifier)
            {
                var slots = new SlotDirectory(parse.GetValue(root)!.FullName);
                var verdict = new SlotInstaller(slots).Install(archive, signatureFile, parse.GetValue(version)!, verifier);
                if (!verdict.Valid)
                {
                    error.WriteLine($"refused, nothing installed: {verdict.Error}");
                    return Refused;
                }
                output.WriteLine($"installed {parse.GetValue(version)} into slot {SlotDirectory.SlotName(slots.Active)}; it runs on trial at the next start");
                return Installed;
            }
        });

        var statusRoot = new Option<DirectoryInfo>("--root") { Description = "A/B install root", Required = true };
        var status = new Command("status", "Show the running slot and the update journal") { statusRoot };
        status.SetAction(parse =>
        {
            var slots = new SlotDirectory(parse.GetValue(statusRoot)!.FullName);
            var journal = UpdateJournal.Load(slots.JournalPath);
            var output = parse.InvocationConfiguration.Output;
            output.WriteLine($"current: slot {SlotDirectory.SlotName(slots.Active)}");
            output.WriteLine($"update: {journal.State.ToString().ToLowerInvariant()}{(journal.Version.Length > 0 ? " " + journal.Version : "")}{(journal.Reason is null ? "" : " (" + journal.Reason + ")")}");
            return 0;
        });

        return new Command("update", "Application update: signed package, A/B slots, health-checked trial, rollback") { install, status };
    }
}
