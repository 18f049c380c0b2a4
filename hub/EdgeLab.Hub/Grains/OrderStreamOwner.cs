using System.Diagnostics;
using System.Globalization;
using Orleans.Runtime;

namespace EdgeLab.Hub.Grains;

/// <summary>
/// Who holds a gateway's order stream claim: the silo and the process incarnation running it (machine, process id,
/// process start time), written as <c>{silo address} on {machine}/{pid}/{start ticks}</c>. Membership answers for
/// silos of a PostgreSQL cluster; the incarnation answers where membership cannot — a single SQLite node restarted
/// after a crash (its earlier silo is unknown to the new cluster of one, and on a free port), while another live
/// process on the same SQLite file (a cluster of its own) is still recognised as alive and waited for.
/// </summary>
internal sealed record OrderStreamOwner(string Silo, string Machine, int ProcessId, long StartedAtTicks)
{
    private const string Separator = " on ";

    /// <summary>Process start times read back from /proc are rounded to the clock tick; a second is far above that.</summary>
    private static readonly long StartTolerance = TimeSpan.FromSeconds(1).Ticks;

    /// <summary>This process, running <paramref name="silo"/>.</summary>
    public static OrderStreamOwner Current(SiloAddress silo)
    {
        using var self = Process.GetCurrentProcess();
        return new(silo.ToParsableString(), Environment.MachineName, self.Id, self.StartTime.ToUniversalTime().Ticks);
    }

    /// <summary>Reads a claim's owner; null when it is not in this form (e.g. written by an older hub).</summary>
    public static OrderStreamOwner? Parse(string owner)
    {
        var at = owner.IndexOf(Separator, StringComparison.Ordinal);
        if (at < 0) return null;
        var parts = owner[(at + Separator.Length)..].Split('/');
        return parts.Length == 3
               && int.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out var pid)
               && long.TryParse(parts[2], NumberStyles.None, CultureInfo.InvariantCulture, out var started)
            ? new(owner[..at], parts[0], pid, started)
            : null;
    }

    /// <summary>The silo address, or null if it does not parse.</summary>
    public SiloAddress? SiloAddress
    {
        get
        {
            try
            {
                return SiloAddress.FromParsableString(Silo);
            }
            catch (FormatException)
            {
                return null;
            }
        }
    }

    /// <summary>
    /// True when this owner ran on this machine and that process is gone (no such pid, or the pid now belongs to a
    /// process started at another time). False when it is alive or ran elsewhere (nothing here can tell).
    /// </summary>
    public bool IsGoneFromThisMachine()
    {
        if (!string.Equals(Machine, Environment.MachineName, StringComparison.Ordinal)) return false;
        try
        {
            using var process = Process.GetProcessById(ProcessId);
            return Math.Abs(process.StartTime.ToUniversalTime().Ticks - StartedAtTicks) > StartTolerance;
        }
        catch (ArgumentException)
        {
            return true; // no process with that id
        }
        catch (InvalidOperationException)
        {
            return true; // it exited while we looked
        }
    }

    public override string ToString() =>
        string.Create(CultureInfo.InvariantCulture, $"{Silo}{Separator}{Machine}/{ProcessId}/{StartedAtTicks}");
}
