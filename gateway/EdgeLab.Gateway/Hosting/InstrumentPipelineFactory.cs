using System.Net;
using EdgeLab.Gateway.Configuration;
using EdgeLab.Gateway.Detection;
using EdgeLab.Instruments.Application.Astm;
using EdgeLab.Instruments.Application.Hl7;
using EdgeLab.Instruments.Detection;
using EdgeLab.Instruments.Dialect;
using EdgeLab.Instruments.HostQuery;
using EdgeLab.Instruments.Link.Astm;
using EdgeLab.Instruments.Link.Mllp;
using EdgeLab.Instruments.Outbound;
using EdgeLab.Instruments.Scanner;
using EdgeLab.Instruments.Transport;
using Microsoft.Extensions.Logging;

namespace EdgeLab.Gateway.Hosting;

/// <summary>
/// Builds one instrument's pipeline from its configuration: transport (serial / TCP client / TCP server) → protocol
/// session (ASTM E1381 link + LIS02-A2 processor, or MLLP + HL7) → the outbox sink and the order cache; and one
/// barcode scanner's: serial or evdev transport → scanner session → tube-scan events in the outbox.
/// </summary>
internal sealed class InstrumentPipelineFactory(ProfileCatalog profiles, IInstrumentMessageSink sink, IOrderCache orders, TimeProvider time, ILoggerFactory loggers,
    ITubeScanSink? scans = null, InstrumentDetections? detections = null)
{
    private readonly ProfileMatcher _matcher = new(profiles.Profiles);

    public ProfileCatalog Profiles => profiles;

    /// <summary>Errors naming the field for instruments whose profile is unknown or whose protocol is not supported.</summary>
    public IReadOnlyList<string> Check(GatewayConfig config)
    {
        var errors = new List<string>();
        for (var i = 0; i < config.Instruments.Count; i++)
        {
            var inst = config.Instruments[i];
            if (inst.DetectsProfile)
            {
                // Auto-detection falls back to the generic profiles when no model matches (ProfileMatcher).
                foreach (var generic in new[] { ProfileMatcher.GenericAstm, ProfileMatcher.GenericHl7 }.Where(g => !profiles.TryGet(g, out _)))
                    errors.Add($"instruments[{i}].profile: \"auto\" needs the {generic} profile, which is not in {profiles.Directory}");
                if (detections is null)
                    errors.Add($"instruments[{i}].profile: \"auto\" is not available here (no detection store): name the profile");
            }
            else if (!profiles.TryGet(inst.Profile, out var profile))
                errors.Add($"instruments[{i}].profile: no profile \"{inst.Profile}\" in {profiles.Directory} (known: {string.Join(", ", profiles.Names)})");
            else if (profiles.Get(inst.Profile).Protocol is not ("astm" or "hl7"))
                errors.Add($"instruments[{i}].profile: profile \"{inst.Profile}\" has protocol \"{profiles.Get(inst.Profile).Protocol}\"; the gateway runs astm and hl7");
        }
        return errors;
    }

    /// <summary>
    /// An instrument's transport; with <c>baud: auto</c> the auto-baud serial transport, starting at the kept setting
    /// when one was detected before on this line.
    /// </summary>
    public IInstrumentTransport CreateTransport(InstrumentConfig instrument)
    {
        var t = instrument.Transport;
        if (!t.DetectsBaud) return CreateTransport(t);
        if (detections is null) throw new InvalidOperationException("baud \"auto\" is not available here (no detection store): set the rate");
        var kept = detections.Restore(instrument);
        return new AutoBaudSerialTransport(instrument.Id, t.Path!, Handshake(t), detections, time, InstrumentDetections.Line(kept),
            logger: loggers.CreateLogger<AutoBaudSerialTransport>());
    }

    private static SerialHandshake Handshake(TransportConfig t) =>
        t.FlowControl switch { "rts-cts" => SerialHandshake.RtsCts, "xon-xoff" => SerialHandshake.XonXoff, _ => SerialHandshake.None };

    public IInstrumentTransport CreateTransport(TransportConfig t) => t.Type switch
    {
        TransportConfig.Serial => new SerialTransport(new SerialPortSettings(
            t.Path!, t.Baud, t.DataBits,
            t.Parity switch { "even" => SerialParity.Even, "odd" => SerialParity.Odd, _ => SerialParity.None },
            t.StopBits,
            t.FlowControl switch { "rts-cts" => SerialHandshake.RtsCts, "xon-xoff" => SerialHandshake.XonXoff, _ => SerialHandshake.None })),
        TransportConfig.TcpClient => new TcpClientTransport(t.Host!, t.Port!.Value),
        // A tcp-server listens on the configured address; without one, on every interface (analyzers sit on the lab LAN).
        TransportConfig.TcpServer => new TcpServerTransport(new IPEndPoint(t.Host is null ? IPAddress.Any : IPAddress.Parse(t.Host), t.Port!.Value),
            loggers.CreateLogger<TcpServerTransport>()),
        _ => throw new ArgumentException($"transport.type: \"{t.Type}\" is not serial, tcp-client or tcp-server"),
    };

    /// <summary>
    /// A scanner's transport and session. <paramref name="lab"/> is the organization the gateway serves; the station
    /// defaults to the scanner's id when the config names none.
    /// </summary>
    public (IInstrumentTransport Transport, IInstrumentProtocolSession Session) CreateScanner(ScannerConfig scanner, string lab)
    {
        if (scans is null) throw new InvalidOperationException("no tube-scan sink: scanners cannot run");
        var identity = new ScannerIdentity(scanner.Id, lab, scanner.Station ?? scanner.Id);
        return scanner.Type switch
        {
            // A serial scanner only talks: 8N1 without flow control is what scanners ship with; the baud is configurable.
            "serial" => (new SerialTransport(new SerialPortSettings(scanner.Path, scanner.Baud, 8, SerialParity.None, 1, SerialHandshake.None)),
                new SerialScannerSession(identity, scans, time)),
            "evdev" => (new EvdevTransport(scanner.Path, loggers.CreateLogger<EvdevTransport>()),
                new EvdevScannerSession(identity, KeyboardLayout.ByName(scanner.Layout), scans, time)),
            _ => throw new ArgumentException($"scanner type \"{scanner.Type}\" is not serial or evdev"),
        };
    }

    /// <param name="index">The instrument's place in the configuration, for the suggestion (<c>instruments[n].profile</c>).</param>
    public IInstrumentProtocolSession CreateSession(InstrumentConfig instrument, TimeZoneInfo siteZone, int index = 0)
    {
        if (instrument.DetectsProfile)
        {
            if (detections is null) throw new InvalidOperationException("profile \"auto\" is not available here (no detection store): name the profile");
            var kept = instrument.Transport.DetectsBaud ? detections.Store.Get(instrument.Id, InstrumentDetections.LineOf(instrument.Transport)) : detections.Restore(instrument);
            if (kept is { Stage: "detected", Profile: { } keptProfile } && profiles.TryGet(keptProfile, out _))
            {
                DetectionGatewayLog.Restored(loggers.CreateLogger("EdgeLab.Gateway.Detection"), instrument.Id, InstrumentDetections.LineOf(instrument.Transport), keptProfile);
                return Session(instrument.Id, profiles.Get(keptProfile), siteZone);
            }
            var handlers = new DetectedHandlers(p => AstmProcessor(instrument.Id, p, siteZone), p => Hl7Processor(instrument.Id, p, siteZone));
            return new AutoDetectSession(instrument.Id, $"instruments[{index}].profile", _matcher, handlers, sink, detections, time, loggers);
        }
        return Session(instrument.Id, profiles.Get(instrument.Profile), siteZone);
    }

    private AstmMessageProcessor AstmProcessor(string id, InstrumentProfile profile, TimeZoneInfo siteZone) =>
        new(id, profile, sink, orders, siteZone, time, loggers.CreateLogger<AstmMessageProcessor>());

    private Hl7MessageProcessor Hl7Processor(string id, InstrumentProfile profile, TimeZoneInfo siteZone) =>
        new(id, profile, sink, orders, time, siteZone, loggers.CreateLogger<Hl7MessageProcessor>());

    private IInstrumentProtocolSession Session(string id, InstrumentProfile profile, TimeZoneInfo siteZone) => profile.Protocol switch
    {
        "astm" => new AstmLinkSession(id, profile, AstmProcessor(id, profile, siteZone), time, loggers.CreateLogger<AstmLinkSession>()),
        "hl7" => new MllpSession(id, Hl7Processor(id, profile, siteZone), time, loggers.CreateLogger<MllpSession>()),
        _ => throw new ArgumentException($"profile {profile.Name}: protocol \"{profile.Protocol}\" is not astm or hl7"),
    };
}
