using EdgeLab.Instruments.Transport;

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
    /// <summary>The link was up and failed under the session: cable pulled mid-transfer, connection reset.</summary>
    ConnectionLost,
    /// <summary>The analyzer ended the connection in order (TCP close, serial hang-up): switched off or its LIS link stopped.</summary>
    PeerClosed,
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

/// <summary>Maps the transport's typed link-down reason to the problem the technician is told about (no text parsing).</summary>
internal static class ProblemClassifier
{
    public static ProblemKind FromLinkDown(LinkDownKind kind) => kind switch
    {
        LinkDownKind.PortMissing => ProblemKind.DeviceMissing,
        LinkDownKind.PermissionDenied => ProblemKind.DeviceNotPermitted,
        LinkDownKind.PortInUse => ProblemKind.PortInUse,
        LinkDownKind.Unreachable => ProblemKind.AnalyzerUnreachable,
        LinkDownKind.PeerClosed => ProblemKind.PeerClosed,
        LinkDownKind.ConnectionLost => ProblemKind.ConnectionLost,
        LinkDownKind.CannotStart => ProblemKind.CannotStart,
        _ => ProblemKind.Other,
    };
}
