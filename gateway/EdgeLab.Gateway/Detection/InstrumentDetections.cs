using System.Globalization;
using EdgeLab.Contract;
using EdgeLab.Gateway.Configuration;
using EdgeLab.Gateway.Hosting;
using EdgeLab.Gateway.Outbox;
using EdgeLab.Instruments.Detection;
using EdgeLab.Instruments.Transport;
using Microsoft.Extensions.Logging;

namespace EdgeLab.Gateway.Detection;

/// <summary>
/// The gateway's side of auto-detection: hears what the instruments' detectors found, keeps it
/// (<see cref="DetectionStore"/>), shows it in the instrument's status (<see cref="InstrumentLinkState.Detection"/>)
/// and announces it as an <c>instrument-detected</c> event through the outbox, like link up/down.
/// </summary>
internal sealed class InstrumentDetections(DetectionStore store, GatewayRuntime runtime, OutboxStore? outbox, ILogger log) : IDetectionObserver
{
    public DetectionStore Store => store;

    /// <summary>How the kept result is tied to the line: the transport as configured (type, path or port).</summary>
    public static string LineOf(TransportConfig t) => t.Type switch
    {
        TransportConfig.Serial => $"serial {t.Path}",
        _ => $"{t.Type} {t.Host}:{t.Port}",
    };

    /// <summary>The kept detection for an instrument as configured now, shown in its status at once.</summary>
    public InstrumentDetectionStatus? Restore(InstrumentConfig instrument)
    {
        var kept = store.Get(instrument.Id, LineOf(instrument.Transport));
        if (kept is not null) runtime.SetDetection(instrument.Id, kept);
        else runtime.SetDetection(instrument.Id, new InstrumentDetectionStatus { Stage = "listening" });
        return kept;
    }

    /// <summary>The kept line setting, if any (for a transport with <c>baud: auto</c>).</summary>
    public static LineSetting? Line(InstrumentDetectionStatus? kept) =>
        kept is { Baud: { } baud, Framing: { Length: 3 } f }
            ? new LineSetting(baud, f[0] - '0', f[1] switch { 'E' => SerialParity.Even, 'O' => SerialParity.Odd, _ => SerialParity.None }, f[2] - '0')
            : null;

    public void OnLineDetected(string instrumentId, LineEvidence evidence)
    {
        var status = Current(instrumentId) with
        {
            Stage = "line",
            Baud = evidence.Setting.Baud,
            Framing = evidence.Setting.Framing,
            Confidence = evidence.Confidence,
            At = runtime.Time.GetUtcNow(),
        };
        Keep(instrumentId, status);
    }

    public void OnInstrumentDetected(string instrumentId, InstrumentDetection d)
    {
        var status = Current(instrumentId) with
        {
            Stage = d.Profile is null ? "listening" : "detected",
            Baud = d.Line?.Baud ?? Current(instrumentId).Baud,
            Framing = d.Line?.Framing ?? Current(instrumentId).Framing,
            Protocol = d.Protocol switch { DetectedProtocol.Astm => "astm", DetectedProtocol.Hl7Mllp => "hl7", DetectedProtocol.Raw => "raw", _ => null },
            Sender = d.Sender,
            Profile = d.Profile,
            Matched = d.Matched,
            Suggestion = d.Suggestion,
            Confidence = d.Confidence,
            At = d.At,
        };
        // Raw text decides nothing: shown and announced, not kept (the next start listens again).
        if (d.Profile is null) runtime.SetDetection(instrumentId, status);
        else Keep(instrumentId, status);
        var data = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["protocol"] = status.Protocol ?? "unknown",
            ["matched"] = status.Matched ? "true" : "false",
            ["confidence"] = status.Confidence.ToString("0.###", CultureInfo.InvariantCulture),
        };
        if (status.Baud is { } b) data["baud"] = b.ToString(CultureInfo.InvariantCulture);
        if (status.Framing is { } f) data["framing"] = f;
        if (status.Sender is { } s) data["sender"] = s;
        if (status.Profile is { } p) data["profile"] = p;
        if (status.Suggestion is { } g) data["suggestion"] = g;
        var text = status.Profile is { } profile
            ? $"detected {status.Protocol} {(status.Baud is { } rate ? $"at {rate} {status.Framing} " : "")}from {status.Sender ?? "an unnamed sender"}: profile {profile}"
            : status.Suggestion;
        _ = RecordAsync(new GatewayEvent(EventTypes.InstrumentDetected, instrumentId, runtime.Time.GetUtcNow(), text, data));
    }

    private InstrumentDetectionStatus Current(string instrumentId) =>
        runtime.Detection(instrumentId) ?? new InstrumentDetectionStatus { Stage = "listening" };

    private void Keep(string instrumentId, InstrumentDetectionStatus status)
    {
        runtime.SetDetection(instrumentId, status);
        if (runtime.Config.Instruments.FirstOrDefault(i => i.Id == instrumentId) is not { } instrument) return;
        try
        {
            store.Save(instrumentId, LineOf(instrument.Transport), status);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // Not kept: the next start detects again. Detection itself is not affected.
            DetectionGatewayLog.NotKept(log, instrumentId, e.Message);
        }
    }

    private async Task RecordAsync(GatewayEvent e)
    {
        if (outbox is null) return;
        try
        {
            await outbox.AddEventAsync(e).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is ObjectDisposedException or OperationCanceledException or InvalidOperationException)
        {
            // Shutting down.
        }
    }
}
