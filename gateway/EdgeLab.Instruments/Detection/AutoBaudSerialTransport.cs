using EdgeLab.Instruments.Transport;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace EdgeLab.Instruments.Detection;

/// <summary>
/// A serial line with <c>baud: auto</c>: listens, sending nothing, at each usual rate in turn (8N1, for
/// <see cref="Dwell"/> each) and scores what it hears with <see cref="LineSettingScorer"/>; the first reading that
/// convinces (an ENQ bid, an STX frame, an MLLP block, no framing garbage) settles the rate and framing. The port is
/// then (re)opened at that setting and handed on with the bytes already heard in front, so the link session reads the
/// analyzer's ENQ or block as if it had just arrived. Later opens (after an unplug) go straight to the setting.
/// </summary>
/// <remarks>
/// Never transmitting before the setting is known matters: an analyzer must not see garbage. Over a real line a sender
/// at another rate reads as NULs and stray bytes (tests: UartLineModel); a pty passes bytes whatever its baud, so over
/// a pty the first rate tried that hears a landmark wins (gateway/ARCHITECTURE.md "Auto-detection" says what a pty
/// proves). A 7E1 or 7O1 sender is recognised while listening at 8N1 (same 10-bit frame; the parity bit is bit 7).
/// </remarks>
public sealed class AutoBaudSerialTransport : IInstrumentTransport
{
    private readonly string _instrumentId;
    private readonly string _path;
    private readonly SerialHandshake _handshake;
    private readonly IReadOnlyList<int> _rates;
    private readonly IDetectionObserver _observer;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private LineSetting? _setting;

    /// <param name="decided">A setting detected before (kept across restarts): used at once, nothing is scanned.</param>
    public AutoBaudSerialTransport(string instrumentId, string path, SerialHandshake handshake, IDetectionObserver observer, TimeProvider time,
        LineSetting? decided = null, IReadOnlyList<int>? rates = null, ILogger<AutoBaudSerialTransport>? logger = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        _instrumentId = instrumentId;
        _path = path;
        _handshake = handshake;
        _observer = observer;
        _time = time;
        _setting = decided;
        _rates = rates ?? LineSetting.UsualRates;
        _logger = logger ?? (ILogger)NullLogger.Instance;
    }

    /// <summary>
    /// How long to listen at each rate. An ASTM analyzer bids with ENQ and, unanswered, retries after its own timeout
    /// (LIS01-A2 §6.5.2.1: 15 s), so a full sweep of 8 rates catches a bid within a few of its retries.
    /// </summary>
    public TimeSpan Dwell { get; init; } = TimeSpan.FromSeconds(4);

    /// <summary>After the reading convinces, wait this long for the rest of a burst (an MLLP block) before reopening.</summary>
    public TimeSpan Quiet { get; init; } = TimeSpan.FromMilliseconds(150);

    /// <summary>The detected setting, once there is one.</summary>
    public LineSetting? Setting => _setting;

    public string Description => _setting is { } s ? $"serial {_path} {s} (detected)" : $"serial {_path} auto-baud (listening at {string.Join("/", _rates)})";

    public async ValueTask<Stream> OpenAsync(CancellationToken cancellationToken)
    {
        if (_setting is { } known) return Open(known);
        while (true)
        {
            foreach (var rate in _rates)
            {
                cancellationToken.ThrowIfCancellationRequested();
                var listening = LineSetting.EightNone(rate);
                var port = Open(listening);
                try
                {
                    DetectionLog.Listening(_logger, _instrumentId, listening, (long)Dwell.TotalMilliseconds);
                    var (evidence, heard) = await ListenAsync(port, rate, cancellationToken).ConfigureAwait(false);
                    if (evidence is null) continue;
                    _setting = evidence.Setting;
                    DetectionLog.LineDecided(_logger, _instrumentId, evidence.Setting, evidence.Confidence, evidence.Bytes, evidence.Markers);
                    _observer.OnLineDetected(_instrumentId, evidence);
                    if (evidence.Setting == listening)
                    {
                        var stream = new ReplayStream(heard, port);
                        port = null;
                        return stream;
                    }
                    // 7E1 / 7O1: reopen with the framing (the kernel then checks parity), replaying the 7-bit characters.
                    var decoded = new byte[heard.Length];
                    LineSettingScorer.Decode(heard, evidence.Setting, decoded);
                    await port.DisposeAsync().ConfigureAwait(false);
                    port = null;
                    return new ReplayStream(decoded, Open(evidence.Setting));
                }
                finally
                {
                    if (port is not null) await port.DisposeAsync().ConfigureAwait(false);
                }
            }
        }
    }

    /// <summary>Reads for the dwell time or until a reading convinces (plus a quiet gap for the rest of the burst).</summary>
    private async Task<(LineEvidence? Evidence, byte[] Heard)> ListenAsync(Stream port, int rate, CancellationToken cancellationToken)
    {
        var heard = new List<byte>();
        var buffer = new byte[4096];
        // ±25 % jitter: an analyzer that resends on a fixed period commensurate with the sweep would otherwise always
        // land on the same wrong rate.
        using var dwell = new CancellationTokenSource(Dwell * (0.75 + (Random.Shared.NextDouble() * 0.5)), _time);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, dwell.Token);
        LineEvidence? convincing = null;
        var token = linked.Token;
        CancellationTokenSource? quiet = null;
        try
        {
            while (true)
            {
                int n;
                try
                {
                    n = await port.ReadAsync(buffer, token).ConfigureAwait(false);
                }
                catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
                {
                    break;
                }
                if (n == 0) break;
                heard.AddRange(buffer.AsSpan(0, n));
                var evidence = LineSettingScorer.Score(heard.ToArray(), rate);
                convincing = evidence.IsConvincing ? evidence : null;
                if (convincing is not null)
                {
                    // An ENQ bid waits for our answer and a complete MLLP block (FS CR) for our acknowledgement: nothing
                    // more is coming, so answer now (the analyzer's reply timer runs, LIS01-A2 §6.5.2.1).
                    if (heard[^1] == 0x05 || (heard.Count >= 2 && heard[^2] == 0x1C && heard[^1] == 0x0D)) break;
                    // Keep listening only until the line is quiet: the burst's remaining bytes come with it.
                    quiet?.Dispose();
                    quiet = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
                    quiet.CancelAfter(Quiet);
                    token = quiet.Token;
                }
            }
        }
        finally
        {
            quiet?.Dispose();
        }
        return (convincing, heard.ToArray());
    }

    private SerialStream Open(LineSetting setting) => new SerialTransport(setting.ToPortSettings(_path, _handshake)).Open();

    public ValueTask DisposeAsync() => ValueTask.CompletedTask;
}
