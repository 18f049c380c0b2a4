using System.Globalization;
using System.Text;

namespace EdgeLab.Gateway.Fleet.Update;

/// <summary>Where an update stands on the device.</summary>
internal enum UpdateState
{
    /// <summary>No update in flight; the active slot is the one that runs.</summary>
    Idle,

    /// <summary><c>current</c> names the new slot; it must pass its health check before it is kept.</summary>
    Trial,

    /// <summary>The new slot passed its health check; it is never rolled back automatically from here on.</summary>
    Committed,

    /// <summary>The new slot failed (health, crash before commit, power cut); <c>current</c> names the previous slot again.</summary>
    RolledBack,
}

/// <summary>
/// The update journal, <c>ROOT/update.state</c>: a few <c>key=value</c> lines (readable by a technician with
/// <c>cat</c>, parsed without reflection so the Native AOT build keeps it). Written beside, fsynced and renamed, so a
/// power cut leaves the old record or the new one. Commit is a fact on the device, decided by the device: once
/// <see cref="UpdateState.Committed"/> is on disk, a lost report to the hub cannot undo it (Mender's lesson, issue 12 §4)
/// — the hub asks again and gets the same answer from this file.
/// </summary>
internal sealed record UpdateJournal(UpdateState State, string Version, Slot Previous, Slot Candidate, int TrialStarts, string? Reason)
{
    public static readonly UpdateJournal Empty = new(UpdateState.Idle, "", Slot.A, Slot.A, 0, null);

    public static UpdateJournal Load(string path)
    {
        if (!File.Exists(path))
        {
            return Empty;
        }
        var values = new Dictionary<string, string>(StringComparer.Ordinal);
        var lineNumber = 0;
        foreach (var line in File.ReadAllLines(path))
        {
            lineNumber++;
            if (line.Length == 0)
            {
                continue;
            }
            var eq = line.IndexOf('=', StringComparison.Ordinal);
            if (eq <= 0)
            {
                throw new InvalidDataException($"{path}:{lineNumber}: expected key=value, found \"{line}\"");
            }
            values[line[..eq]] = line[(eq + 1)..];
        }
        string Get(string key) =>
            values.TryGetValue(key, out var v) ? v : throw new InvalidDataException($"{path}: \"{key}\" is missing");
        T Parse<T>(string key)
            where T : struct, Enum =>
            Enum.TryParse<T>(Get(key), ignoreCase: false, out var v) && Enum.IsDefined(v)
                ? v
                : throw new InvalidDataException($"{path}: {key}=\"{Get(key)}\" is not one of {string.Join(", ", Enum.GetNames<T>())}");
        if (!int.TryParse(Get("trial-starts"), NumberStyles.None, CultureInfo.InvariantCulture, out var starts))
        {
            throw new InvalidDataException($"{path}: trial-starts=\"{Get("trial-starts")}\" is not a count");
        }
        return new UpdateJournal(
            Parse<UpdateState>("state"),
            Get("version"),
            Parse<Slot>("previous"),
            Parse<Slot>("candidate"),
            starts,
            values.GetValueOrDefault("reason"));
    }

    public void Save(string path)
    {
        var text = new StringBuilder()
            .Append("state=").Append(State).Append('\n')
            .Append("version=").Append(Version).Append('\n')
            .Append("previous=").Append(Previous).Append('\n')
            .Append("candidate=").Append(Candidate).Append('\n')
            .Append("trial-starts=").Append(TrialStarts.ToString(CultureInfo.InvariantCulture)).Append('\n');
        if (Reason is not null)
        {
            // One line: a reason with a newline would split into a bogus key.
            text.Append("reason=").Append(Reason.ReplaceLineEndings(" ")).Append('\n');
        }
        var temporary = path + ".tmp";
        using (var file = new FileStream(temporary, FileMode.Create, FileAccess.Write, FileShare.None))
        {
            file.Write(Encoding.UTF8.GetBytes(text.ToString()));
            file.Flush(flushToDisk: true);
        }
        File.Move(temporary, path, overwrite: true);
    }
}
