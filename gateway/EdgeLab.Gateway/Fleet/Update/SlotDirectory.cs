namespace EdgeLab.Gateway.Fleet.Update;

/// <summary>One of the two install slots.</summary>
internal enum Slot
{
    A,
    B,
}

/// <summary>
/// The install root on the device: <c>a/</c> and <c>b/</c> hold one application each, <c>current</c> is a symlink to
/// the one that runs (the systemd unit starts <c>ROOT/current/edgelab-gateway</c>), and <c>update.state</c> is the
/// journal (<see cref="UpdateJournal"/>). Switching slots replaces the <c>current</c> link with rename(2), which POSIX
/// makes atomic: after a power cut the link names the old slot or the new one, never nothing.
/// </summary>
internal sealed class SlotDirectory
{
    private const string CurrentLinkName = "current";

    public SlotDirectory(string root)
    {
        Root = Path.GetFullPath(root);
    }

    public string Root { get; }

    public string CurrentLink => Path.Combine(Root, CurrentLinkName);

    public string JournalPath => Path.Combine(Root, "update.state");

    public string PathOf(Slot slot) => Path.Combine(Root, SlotName(slot));

    public static string SlotName(Slot slot) => slot == Slot.A ? "a" : "b";

    public static Slot Other(Slot slot) => slot == Slot.A ? Slot.B : Slot.A;

    /// <summary>The slot <c>current</c> points at; a fresh root (no link yet) runs slot A.</summary>
    public Slot Active
    {
        get
        {
            var target = new FileInfo(CurrentLink).LinkTarget;
            return target switch
            {
                null => Slot.A,
                "a" => Slot.A,
                "b" => Slot.B,
                _ => throw new InvalidDataException($"{CurrentLink}: points at \"{target}\", expected \"a\" or \"b\""),
            };
        }
    }

    /// <summary>Empties <paramref name="slot"/> for a new install (never the active one).</summary>
    public string Prepare(Slot slot)
    {
        if (File.Exists(CurrentLink) || Directory.Exists(CurrentLink))
        {
            if (slot == Active)
            {
                throw new InvalidOperationException($"{PathOf(slot)}: slot {SlotName(slot)} is running and cannot be overwritten");
            }
        }
        var path = PathOf(slot);
        if (Directory.Exists(path))
        {
            Directory.Delete(path, recursive: true);
        }
        Directory.CreateDirectory(path);
        return path;
    }

    /// <summary>
    /// Points <c>current</c> at <paramref name="slot"/>: a new relative link under a temporary name, then rename(2) over
    /// the old link and fsync of the root (<see cref="PosixRename"/>), so after a power cut the card holds the old link
    /// or the new one.
    /// </summary>
    public void SwitchTo(Slot slot)
    {
        var temporary = Path.Combine(Root, $".{CurrentLinkName}.{Environment.ProcessId}.tmp");
        if (new FileInfo(temporary).LinkTarget is not null || File.Exists(temporary))
        {
            File.Delete(temporary);
        }
        // Relative, so the root can be mounted anywhere (an SD card read on a laptop, a test's temp folder).
        File.CreateSymbolicLink(temporary, SlotName(slot));
        PosixRename.ReplaceDurably(temporary, CurrentLink, Root);
    }
}
