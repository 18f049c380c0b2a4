namespace EdgeLab.Gateway.LocalStatus;

/// <summary>
/// The last thing that went wrong on an instrument's link, classified so the status can say it in a technician's words
/// and say what to do (<see cref="TechnicianAdvice"/>). <see cref="Detail"/> is the technical reason (transport error,
/// decode error position); it never carries message content.
/// </summary>
internal sealed record InstrumentProblem(ProblemKind Kind, DateTimeOffset At, string Detail);

internal enum ProblemKind
{
    /// <summary>The serial device is not there (USB adapter unplugged, wrong path).</summary>
    DeviceMissing,
    /// <summary>The gateway may not open the device (not in the dialout group).</summary>
    DeviceNotPermitted,
    /// <summary>The link was up and went away: cable pulled, analyzer switched off, connection reset.</summary>
    ConnectionLost,
    /// <summary>Another program listens on the instrument's TCP port.</summary>
    PortInUse,
    /// <summary>The gateway dials the analyzer and gets no answer (tcp-client).</summary>
    AnalyzerUnreachable,
    /// <summary>The instrument's pipeline could not be built (profile, transport settings).</summary>
    CannotStart,
    /// <summary>A message could not be decoded; it is kept in quarantine.</summary>
    MessageUnreadable,
    /// <summary>The gateway's store is full: the analyzer is refused (NAK) until the uplink drains it.</summary>
    StoreFull,
    /// <summary>The gateway's store failed to write (disk error): the analyzer is refused.</summary>
    StoreFailed,
    /// <summary>Anything else; the detail says what.</summary>
    Other,
}

/// <summary>Sorts a link runner's free-text down reason into a <see cref="ProblemKind"/>.</summary>
internal static class ProblemClassifier
{
    public static ProblemKind FromLinkDown(string reason, string? transportType)
    {
        if (reason.StartsWith("cannot start", StringComparison.Ordinal)) return ProblemKind.CannotStart;
        if (Has(reason, "in use")) return ProblemKind.PortInUse;
        if (Has(reason, "dialout") || Has(reason, "permission denied") || Has(reason, "access to the path")) return ProblemKind.DeviceNotPermitted;
        var opening = reason.StartsWith("cannot open", StringComparison.Ordinal);
        if (opening && transportType == Configuration.TransportConfig.Serial) return ProblemKind.DeviceMissing;
        if (opening && transportType == Configuration.TransportConfig.TcpClient) return ProblemKind.AnalyzerUnreachable;
        return opening ? ProblemKind.Other : ProblemKind.ConnectionLost;
    }

    private static bool Has(string text, string part) => text.Contains(part, StringComparison.OrdinalIgnoreCase);
}
