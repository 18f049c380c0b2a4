using EdgeLab.Instruments.Dialect;
using EdgeLab.Instruments.Link.Astm;
using EdgeLab.Instruments.Link.Mllp;
using EdgeLab.Instruments.Outbound;
using EdgeLab.Instruments.Transport;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace EdgeLab.Instruments.Detection;

/// <summary>How an auto-detecting session builds the application layer once it knows the profile.</summary>
/// <param name="Astm">The ASTM message processor for a profile (commits, answers host queries).</param>
/// <param name="Hl7">The HL7 message processor for a profile.</param>
public sealed record DetectedHandlers(Func<InstrumentProfile, IAstmMessageHandler> Astm, Func<InstrumentProfile, IMllpMessageHandler> Hl7);

/// <summary>
/// The protocol session of an instrument configured with <c>profile: auto</c>. It listens without sending anything
/// until the first bytes say ASTM (ENQ), HL7 over MLLP (VT) or raw text; only then does it answer, through the usual
/// link session (so the ENQ is ACKed only once we know it is ASTM). The first complete message names the model (H.5 or
/// MSH-3/4, <see cref="ProfileMatcher"/>); that message is decoded and committed with the picked profile before the
/// link acknowledges it, like any other — detection loses nothing and does not count on a retransmission. Raw text is
/// quarantined line by line with the reason (no ASTM/MLLP framing; nothing acknowledges it, so it must be kept here).
/// </summary>
/// <remarks>
/// One object serves the instrument for the gateway's lifetime (the runner calls <see cref="RunAsync"/> per
/// connection): once decided, later connections run the picked profile's own link settings. The decision is reported
/// to <see cref="IDetectionObserver"/>, which keeps it so a restart starts with the profile.
/// </remarks>
public sealed class AutoDetectSession : IInstrumentProtocolSession
{
    /// <summary>Raw text longer than this without a line end is quarantined as it stands.</summary>
    internal const int MaxRawLine = 4096;

    private readonly string _instrumentId;
    private readonly string _configPath;
    private readonly ProfileMatcher _matcher;
    private readonly DetectedHandlers _handlers;
    private readonly IInstrumentMessageSink _sink;
    private readonly IDetectionObserver _observer;
    private readonly TimeProvider _time;
    private readonly ILoggerFactory _loggers;
    private readonly ILogger _logger;
    private readonly Func<LineSetting?> _line;
    private IInstrumentProtocolSession? _decided;
    private IAstmMessageHandler? _astm;
    private IMllpMessageHandler? _hl7;

    /// <param name="configPath">Where a technician sets the profile, e.g. <c>instruments[2].profile</c> (for the suggestion).</param>
    /// <param name="line">The line setting the transport settled on, if it detected one (reported with the model).</param>
    public AutoDetectSession(string instrumentId, string configPath, ProfileMatcher matcher, DetectedHandlers handlers, IInstrumentMessageSink sink,
        IDetectionObserver observer, TimeProvider time, ILoggerFactory? loggers = null, Func<LineSetting?>? line = null)
    {
        _instrumentId = instrumentId;
        _configPath = configPath;
        _matcher = matcher;
        _handlers = handlers;
        _sink = sink;
        _observer = observer;
        _time = time;
        _loggers = loggers ?? NullLoggerFactory.Instance;
        _logger = _loggers.CreateLogger<AutoDetectSession>();
        _line = line ?? (() => null);
    }

    /// <summary>The profile picked by the first message, once there was one.</summary>
    public InstrumentProfile? Profile { get; private set; }

    public async Task RunAsync(Stream connection, CancellationToken cancellationToken)
    {
        if (_decided is { } decided)
        {
            await decided.RunAsync(connection, cancellationToken).ConfigureAwait(false);
            return;
        }
        var heard = new List<byte>();
        var buffer = new byte[4096];
        DateTimeOffset? firstAt = null;
        while (true)
        {
            var n = await connection.ReadAsync(buffer, cancellationToken).ConfigureAwait(false);
            if (n == 0)
            {
                // The line closed mid-text: keep what raw text there was.
                if (heard.Count > 0 && ProtocolSniffer.Classify(heard.ToArray()).Protocol == DetectedProtocol.Unknown)
                    await QuarantineRawAsync(heard.ToArray(), firstAt ?? _time.GetUtcNow(), "ended without a line end", cancellationToken).ConfigureAwait(false);
                return;
            }
            firstAt ??= _time.GetUtcNow();
            heard.AddRange(buffer.AsSpan(0, n));
            var (protocol, start) = ProtocolSniffer.Classify(heard.ToArray());
            switch (protocol)
            {
                case DetectedProtocol.Astm:
                    DetectionLog.Protocol(_logger, _instrumentId, "ASTM (ENQ)");
                    await RunAstmAsync(new ReplayStream(heard.ToArray().AsMemory(start), connection), cancellationToken).ConfigureAwait(false);
                    return;
                case DetectedProtocol.Hl7Mllp:
                    DetectionLog.Protocol(_logger, _instrumentId, "HL7 over MLLP (VT)");
                    await RunHl7Async(new ReplayStream(heard.ToArray().AsMemory(start), connection), cancellationToken).ConfigureAwait(false);
                    return;
                case DetectedProtocol.Raw:
                    var all = heard.ToArray();
                    var end = Array.FindIndex(all, start, b => b is 0x0D or 0x0A);
                    while (end + 1 < all.Length && all[end + 1] is 0x0D or 0x0A) end++;
                    await QuarantineRawAsync(all.AsSpan(0, end + 1).ToArray(), firstAt.Value, "a line of text", cancellationToken).ConfigureAwait(false);
                    heard.RemoveRange(0, end + 1);
                    firstAt = heard.Count > 0 ? _time.GetUtcNow() : null;
                    break;
                default:
                    if (heard.Count > MaxRawLine)
                    {
                        await QuarantineRawAsync(heard.ToArray(), firstAt.Value, "no line end in " + heard.Count + " bytes", cancellationToken).ConfigureAwait(false);
                        heard.Clear();
                        firstAt = null;
                    }
                    break;
            }
        }
    }

    private async Task RunAstmAsync(Stream stream, CancellationToken ct)
    {
        // Until the model is known the link takes what any LIS01-A2 analyzer may send: frames up to 64,000 bytes and
        // bare line ends (the most tolerant of the shipped profiles); the message is then decoded with the profile.
        var options = new AstmLinkOptions { InstrumentId = _instrumentId, MaxFrameSize = AstmControl.Lis01A2MaxFrameSize, TolerateBareLineEnds = true };
        var link = new AstmLinkSession(options, new IdentifyingAstmHandler(this), _time, _loggers.CreateLogger<AstmLinkSession>());
        await link.RunAsync(stream, ct).ConfigureAwait(false);
        if (Profile is { } p && _astm is { } handler)
            _decided = new AstmLinkSession(_instrumentId, p, handler, _time, _loggers.CreateLogger<AstmLinkSession>());
    }

    private async Task RunHl7Async(Stream stream, CancellationToken ct)
    {
        var link = new MllpSession(_instrumentId, new IdentifyingMllpHandler(this), _time, _loggers.CreateLogger<MllpSession>());
        await link.RunAsync(stream, ct).ConfigureAwait(false);
        if (_hl7 is { } handler)
            _decided = new MllpSession(_instrumentId, handler, _time, _loggers.CreateLogger<MllpSession>());
    }

    private ProfileMatch Identify(SenderIdentity? sender, DetectedProtocol protocol)
    {
        var wire = protocol == DetectedProtocol.Astm ? "astm" : "hl7";
        ProfileMatch match;
        if (sender is null)
        {
            var generic = _matcher.Generic(wire);
            match = new ProfileMatch(generic, false, null,
                $"the first message has no {(wire == "astm" ? "H record" : "MSH segment")} naming the sender; decoded with {generic.Name}: set the profile explicitly in {_configPath}");
        }
        else
        {
            match = _matcher.Match(sender, _configPath);
        }
        Profile = match.Profile;
        var line = _line();
        var detection = new InstrumentDetection(line, protocol, sender?.Display, match.Profile.Name, match.Matched, match.Suggestion,
            match.Matched && match.Suggestion is null ? 1.0 : 0.5, _time.GetUtcNow());
        DetectionLog.Model(_logger, _instrumentId, sender?.Display ?? "(none)", match.Profile.Name, match.Matched);
        if (match.Suggestion is { } s) DetectionLog.Suggestion(_logger, _instrumentId, s);
        _observer.OnInstrumentDetected(_instrumentId, detection);
        return match;
    }

    private async Task QuarantineRawAsync(byte[] bytes, DateTimeOffset at, string what, CancellationToken ct)
    {
        DetectionLog.RawQuarantined(_logger, _instrumentId, bytes.Length);
        _observer.OnInstrumentDetected(_instrumentId, new InstrumentDetection(_line(), DetectedProtocol.Raw, null, null, false,
            $"the line carries plain text without ASTM (ENQ/STX) or MLLP (VT) framing: a barcode reader belongs under scanners[], an analyzer's printer port is not its LIS port; text kept in quarantine",
            0.5, _time.GetUtcNow()));
        var message = new ReceivedMessage
        {
            InstrumentId = _instrumentId,
            Profile = "auto",
            Protocol = "raw",
            Transcript = new Transcript([new TranscriptChunk(at, TranscriptDirection.FromInstrument, bytes)]),
            DecodeError = $"raw text ({what}, {bytes.Length} bytes) with no ASTM or MLLP framing, received while auto-detecting; set the instrument's profile or move it to scanners[]",
            ReceivedAt = _time.GetUtcNow(),
        };
        await _sink.CommitAsync(message, ct).ConfigureAwait(false);
    }

    /// <summary>Names the model from the first message's H record, then hands every message to that profile's processor.</summary>
    private sealed class IdentifyingAstmHandler(AutoDetectSession owner) : IAstmMessageHandler
    {
        public ValueTask<AstmMessageOutcome> OnMessageAsync(AstmReceivedMessage message, CancellationToken cancellationToken)
        {
            if (owner._astm is null)
            {
                var match = owner.Identify(SenderIdentity.FromAstm(message.Text.Span), DetectedProtocol.Astm);
                owner._astm = owner._handlers.Astm(match.Profile);
            }
            return owner._astm.OnMessageAsync(message, cancellationToken);
        }

        public ValueTask OnIncompleteMessageAsync(AstmReceivedMessage partial, string reason, CancellationToken cancellationToken)
        {
            // Not acknowledged, so the analyzer sends it again; keep the partial for audit with whatever profile we have.
            var handler = owner._astm ?? owner._handlers.Astm(owner._matcher.Generic("astm"));
            return handler.OnIncompleteMessageAsync(partial, reason, cancellationToken);
        }

        public bool IsReadyToReceive() => owner._astm?.IsReadyToReceive() ?? true;
    }

    /// <summary>Names the model from the first message's MSH-3/4, then hands every message to that profile's processor.</summary>
    private sealed class IdentifyingMllpHandler(AutoDetectSession owner) : IMllpMessageHandler
    {
        public int MaxMessageSize => owner._hl7?.MaxMessageSize ?? 4 * 1024 * 1024;

        public Task<IReadOnlyList<byte[]>> OnMessageAsync(byte[] wire, int payloadLength, DateTimeOffset firstByteAt, CancellationToken cancellationToken)
        {
            if (owner._hl7 is null)
            {
                var match = owner.Identify(SenderIdentity.FromHl7(wire.AsSpan(1, payloadLength)), DetectedProtocol.Hl7Mllp);
                owner._hl7 = owner._handlers.Hl7(match.Profile);
            }
            return owner._hl7.OnMessageAsync(wire, payloadLength, firstByteAt, cancellationToken);
        }
    }
}
