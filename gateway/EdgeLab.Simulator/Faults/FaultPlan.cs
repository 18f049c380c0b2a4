using System.Globalization;

namespace EdgeLab.Simulator.Faults;

/// <summary>What goes wrong, on purpose, at one frame (ASTM) or message (HL7).</summary>
internal enum FaultKind
{
    /// <summary>The frame goes out with a wrong checksum once; the receiver must NAK it and accept the resend.</summary>
    BadChecksum,
    /// <summary>The frame is lost on the wire: nothing is sent, so the sender's 15 s reply timer aborts the message, which is then sent again.</summary>
    DropFrame,
    /// <summary>The sender stalls before the frame (past 30 s the receiver must discard the incomplete message).</summary>
    Pause,
    /// <summary>EOT goes out in place of the frame: the receiver must discard the incomplete message; the sender then sends it again.</summary>
    EotMidMessage,
}

/// <summary>One requested fault: <paramref name="At"/> is the 1-based count of frame transmissions (ASTM) or messages (HL7).</summary>
internal sealed record Fault(FaultKind Kind, int At, TimeSpan Pause)
{
    public override string ToString() => Kind switch
    {
        FaultKind.BadChecksum => $"bad-checksum@{At}",
        FaultKind.DropFrame => $"drop-frame@{At}",
        FaultKind.Pause => $"pause@{At}:{Pause.TotalSeconds.ToString(CultureInfo.InvariantCulture)}",
        _ => $"eot-mid-message@{At}",
    };
}

/// <summary>The faults of one run; each fires once, at the first transmission that reaches its number.</summary>
internal sealed class FaultPlan
{
    private readonly List<Fault> _pending;

    public FaultPlan(IEnumerable<Fault> faults) => _pending = [.. faults];

    public static FaultPlan None => new([]);

    public IReadOnlyList<Fault> Pending => _pending;

    /// <summary>Takes the fault of the given kind planned for transmission <paramref name="count"/>, if any.</summary>
    public Fault? Take(FaultKind kind, int count)
    {
        var fault = _pending.FirstOrDefault(f => f.Kind == kind && f.At == count);
        if (fault is not null) _pending.Remove(fault);
        return fault;
    }

    /// <summary>Parses <c>bad-checksum@N</c>, <c>drop-frame@N</c>, <c>pause@N:SECONDS</c>, <c>eot-mid-message@N</c>.</summary>
    public static bool TryParse(string text, out Fault? fault, out string? error)
    {
        fault = null;
        error = null;
        var at = text.IndexOf('@', StringComparison.Ordinal);
        if (at <= 0)
        {
            error = $"fault '{text}' is not KIND@N: use bad-checksum@N, drop-frame@N, pause@N:SECONDS or eot-mid-message@N";
            return false;
        }
        var kindText = text[..at];
        var rest = text[(at + 1)..];
        var pause = TimeSpan.Zero;
        FaultKind kind;
        switch (kindText)
        {
            case "bad-checksum": kind = FaultKind.BadChecksum; break;
            case "drop-frame": kind = FaultKind.DropFrame; break;
            case "eot-mid-message": kind = FaultKind.EotMidMessage; break;
            case "pause":
                kind = FaultKind.Pause;
                var colon = rest.IndexOf(':', StringComparison.Ordinal);
                if (colon < 0 || !double.TryParse(rest[(colon + 1)..], NumberStyles.Float, CultureInfo.InvariantCulture, out var seconds) || seconds < 0)
                {
                    error = $"fault '{text}' needs a pause length: use pause@N:SECONDS, e.g. pause@3:35";
                    return false;
                }
                pause = TimeSpan.FromSeconds(seconds);
                rest = rest[..colon];
                break;
            default:
                error = $"unknown fault '{kindText}': use bad-checksum, drop-frame, pause or eot-mid-message";
                return false;
        }
        if (!int.TryParse(rest, NumberStyles.None, CultureInfo.InvariantCulture, out var n) || n < 1)
        {
            error = $"fault '{text}': N counts from 1: use a frame (ASTM) or message (HL7) number such as @3";
            return false;
        }
        fault = new Fault(kind, n, pause);
        return true;
    }
}
