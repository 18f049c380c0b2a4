using System.Collections.Concurrent;
using EdgeLab.Instruments.Application.Astm;
using EdgeLab.Instruments.Application.Hl7;
using EdgeLab.Instruments.Detection;
using EdgeLab.Instruments.Tests.CaptureDecode;
using EdgeLab.Instruments.Tests.HostQueryAnswers;
using EdgeLab.Instruments.Transport;
using EdgeLab.LocalServices;
using Microsoft.Extensions.Logging.Abstractions;

namespace EdgeLab.Instruments.Tests.Detection;

/// <summary>
/// The gateway's side of one auto-detecting serial instrument, composed as the gateway composes it: the real link
/// runner over a socat pty, the auto-baud transport (or a fixed one), the auto-detect session, the real ASTM and HL7
/// processors, committing into a recording outbox.
/// </summary>
internal sealed class AutoDetectHarness : IAsyncDisposable, IDetectionObserver, ILinkStateObserver
{
    private readonly CancellationTokenSource _stop = new();
    private Task? _run;

    private AutoDetectHarness(SocatPtyPair cable) => Cable = cable;

    public SocatPtyPair Cable { get; }
    public RecordingSink Sink { get; } = new();
    public ConcurrentQueue<LineEvidence> Lines { get; } = new();
    public ConcurrentQueue<InstrumentDetection> Detections { get; } = new();
    public AutoBaudSerialTransport? AutoBaud { get; private set; }
    public AutoDetectSession? Session { get; private set; }

    /// <param name="fixedLine">Null: <c>baud: auto</c>; else the configured setting.</param>
    /// <param name="profile">Null: <c>profile: auto</c>.</param>
    public static async Task<AutoDetectHarness> StartAsync(LineSetting? fixedLine, string? profile = null)
    {
        var h = new AutoDetectHarness(await SocatPtyPair.StartAsync());
        const string id = "bench-1";
        var orders = new InMemoryOrderCache();
        var handlers = new DetectedHandlers(
            p => new AstmMessageProcessor(id, p, h.Sink, orders, TimeZoneInfo.Utc, TimeProvider.System, NullLogger<AstmMessageProcessor>.Instance),
            p => new Hl7MessageProcessor(id, p, h.Sink, orders, TimeProvider.System, TimeZoneInfo.Utc));
        IInstrumentTransport transport = fixedLine is { } line
            ? new SerialTransport(line.ToPortSettings(h.Cable.GatewayEnd))
            : h.AutoBaud = new AutoBaudSerialTransport(id, h.Cable.GatewayEnd, SerialHandshake.None, h, TimeProvider.System)
            {
                // Short dwell keeps the test fast; the analyzer re-bids faster than a real one (every 400 ms).
                Dwell = TimeSpan.FromMilliseconds(250),
            };
        IInstrumentProtocolSession session = profile is null
            ? h.Session = new AutoDetectSession(id, "instruments[0].profile", new ProfileMatcher(Samples.Catalog.Profiles), handlers, h.Sink, h,
                TimeProvider.System, line: () => h.AutoBaud?.Setting)
            : Samples.Catalog.Get(profile) is { Protocol: "astm" } p
                ? new EdgeLab.Instruments.Link.Astm.AstmLinkSession(id, p, handlers.Astm(p))
                : new EdgeLab.Instruments.Link.Mllp.MllpSession(id, handlers.Hl7(Samples.Catalog.Get(profile)), TimeProvider.System);
        var runner = new InstrumentLinkRunner(id, transport, session, h);
        h._run = Task.Run(() => runner.RunAsync(h._stop.Token));
        return h;
    }

    public void OnLineDetected(string instrumentId, LineEvidence evidence) => Lines.Enqueue(evidence);

    public void OnInstrumentDetected(string instrumentId, InstrumentDetection detection) => Detections.Enqueue(detection);

    private readonly TaskCompletionSource _up = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>
    /// Completes when the gateway has its port open (a fixed rate: at once). Bytes written before that are flushed by
    /// the open (TCIOFLUSH), as on a real line; an analyzer that sends once must wait for it.
    /// </summary>
    public Task LinkUp => _up.Task.WaitAsync(TimeSpan.FromSeconds(10));

    public void OnLinkUp(string instrumentId, string transportDescription) => _up.TrySetResult();

    public void OnLinkDown(string instrumentId, LinkDownReason reason)
    {
    }

    public async Task WaitForCommitsAsync(int count)
    {
        using var guard = new CancellationTokenSource(TimeSpan.FromSeconds(20));
        while (Sink.Committed.Count < count) await Task.Delay(20, guard.Token);
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        if (_run is not null) await _run;
        await Cable.DisposeAsync();
        _stop.Dispose();
    }
}
