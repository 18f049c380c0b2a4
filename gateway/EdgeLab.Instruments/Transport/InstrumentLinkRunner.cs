using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace EdgeLab.Instruments.Transport;

/// <summary>
/// Keeps one instrument's link alive for the gateway's lifetime: open the transport → report link up → run the
/// protocol session until the stream ends or fails → report link down with the reason → wait (exponential backoff
/// with jitter, on the injected <see cref="TimeProvider"/>) → open again. This is what lets a lab technician unplug
/// a USB adapter or power-cycle an analyzer without anyone restarting the gateway.
/// </summary>
/// <remarks>
/// A listening transport (TCP server) never backs off after a connection ends — the analyzer closing is normal — only
/// when it cannot listen. For the others, a session that ran for at least <see cref="StableAfter"/> resets the backoff, so a link that drops once a day
/// comes back after the initial delay rather than the maximum. Open failures in a row are reported once (the first
/// time, with the reason), not on every retry, so events do not flood the uplink while a cable is out.
/// </remarks>
public sealed class InstrumentLinkRunner
{
    private static readonly LinkDownReason Stopping = new(LinkDownKind.GatewayStopping, "gateway stopping");
    private readonly string _instrumentId;
    private readonly IInstrumentTransport _transport;
    private readonly IInstrumentProtocolSession _session;
    private readonly ILinkStateObserver _observer;
    private readonly TimeProvider _time;
    private readonly ReconnectBackoff _backoff;
    private readonly Random _random;
    private readonly ILogger _logger;

    public InstrumentLinkRunner(
        string instrumentId,
        IInstrumentTransport transport,
        IInstrumentProtocolSession session,
        ILinkStateObserver observer,
        TimeProvider? timeProvider = null,
        ReconnectBackoff? backoff = null,
        Random? random = null,
        ILogger<InstrumentLinkRunner>? logger = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(instrumentId);
        _instrumentId = instrumentId;
        _transport = transport ?? throw new ArgumentNullException(nameof(transport));
        _session = session ?? throw new ArgumentNullException(nameof(session));
        _observer = observer ?? throw new ArgumentNullException(nameof(observer));
        _time = timeProvider ?? TimeProvider.System;
        _backoff = backoff ?? new ReconnectBackoff();
        _random = random ?? Random.Shared;
        _logger = logger ?? (ILogger)NullLogger.Instance;
    }

    /// <summary>A session that lasted this long counts as a healthy link: the next reopen starts from the initial delay.</summary>
    public TimeSpan StableAfter { get; init; } = TimeSpan.FromSeconds(60);

    /// <summary>Whether the link is up right now (a session is running over an open transport).</summary>
    public bool IsUp { get; private set; }

    /// <summary>Runs until <paramref name="cancellationToken"/> is cancelled; never throws for transport or session failures.</summary>
    public async Task RunAsync(CancellationToken cancellationToken)
    {
        var attempt = 0;
        LinkDownReason? lastReportedFailure = null;
        var waiting = false;
        while (!cancellationToken.IsCancellationRequested)
        {
            Stream stream;
            try
            {
                if (_transport.WaitsForConnections)
                {
                    _transport.Listen();
                    if (!waiting)
                    {
                        // Listening with no connection is idle, not down (issue 10 item 8).
                        waiting = true;
                        attempt = 0;
                        lastReportedFailure = null;
                        _observer.OnLinkWaiting(_instrumentId, _transport.Description);
                    }
                }
                stream = await _transport.OpenAsync(cancellationToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException or System.Net.Sockets.SocketException or InvalidOperationException)
            {
                waiting = false;
                var reason = LinkDownReason.OpenFailed(e, _transport.Description);
                if (reason != lastReportedFailure)
                {
                    TransportLog.OpenFailed(_logger, _instrumentId, reason.Detail);
                    _observer.OnLinkDown(_instrumentId, reason);
                    lastReportedFailure = reason;
                }
                if (!await DelayAsync(attempt++, cancellationToken).ConfigureAwait(false)) return;
                continue;
            }

            lastReportedFailure = null;
            waiting = false;
            var startedAt = _time.GetTimestamp();
            IsUp = true;
            TransportLog.LinkUp(_logger, _instrumentId, _transport.Description);
            _observer.OnLinkUp(_instrumentId, _transport.Description);
            LinkDownReason downReason;
            var failed = false;
            try
            {
                await _session.RunAsync(stream, cancellationToken).ConfigureAwait(false);
                downReason = cancellationToken.IsCancellationRequested ? Stopping : new(LinkDownKind.PeerClosed, "connection closed by the instrument");
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                downReason = Stopping;
            }
            catch (Exception e) when (e is IOException or ObjectDisposedException or System.Net.Sockets.SocketException)
            {
                downReason = new(LinkDownKind.ConnectionLost, e.Message);
                failed = true;
            }
            catch (Exception e)
            {
                TransportLog.SessionFailed(_logger, _instrumentId, e);
                // The session contract says it never throws for bad input; what reaches here is I/O (cable pulled,
                // peer reset) or a defect. Either way the link is down and the loop goes on: the gateway must not die.
                downReason = new(LinkDownKind.Other, e.Message);
                failed = true;
            }
            finally
            {
                IsUp = false;
                await stream.DisposeAsync().ConfigureAwait(false);
            }
            if (cancellationToken.IsCancellationRequested)
            {
                TransportLog.LinkDown(_logger, _instrumentId, downReason.Detail);
                _observer.OnLinkDown(_instrumentId, downReason);
                return;
            }
            if (_transport.WaitsForConnections)
            {
                // A TCP server: the analyzer closing (or resetting) its connection is not a failure of ours, and many
                // analyzers connect once per message. Waiting here would only delay its next message (issue 10 item 2:
                // ACKs grew from 0.1 to 29 s), so the next connection is accepted at once; the listener itself backs
                // off only when it cannot listen (above).
                if (failed)
                {
                    TransportLog.LinkDown(_logger, _instrumentId, downReason.Detail);
                    _observer.OnLinkDown(_instrumentId, downReason);
                }
                else
                {
                    TransportLog.ConnectionEnded(_logger, _instrumentId, downReason.Detail);
                }
                attempt = 0;
                continue;
            }
            TransportLog.LinkDown(_logger, _instrumentId, downReason.Detail);
            _observer.OnLinkDown(_instrumentId, downReason);
            if (_time.GetElapsedTime(startedAt) >= StableAfter) attempt = 0;
            // The instrument is already back on a new connection (it replaced a half-open one): serve it now.
            if (_transport.HasWaitingConnection) continue;
            if (!await DelayAsync(attempt++, cancellationToken).ConfigureAwait(false)) return;
        }
    }

    private async Task<bool> DelayAsync(int attempt, CancellationToken cancellationToken)
    {
        var delay = _backoff.DelayFor(attempt, _random);
        TransportLog.Reopening(_logger, _instrumentId, _transport.Description, (long)delay.TotalMilliseconds, attempt + 1);
        try
        {
            await Task.Delay(delay, _time, cancellationToken).ConfigureAwait(false);
            return true;
        }
        catch (OperationCanceledException)
        {
            return false;
        }
    }
}
