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
/// A session that ran for at least <see cref="StableAfter"/> resets the backoff, so a link that drops once a day
/// comes back after the initial delay rather than the maximum. Open failures in a row are reported once (the first
/// time, with the reason), not on every retry, so events do not flood the uplink while a cable is out.
/// </remarks>
public sealed class InstrumentLinkRunner
{
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
        string? lastReportedFailure = null;
        while (!cancellationToken.IsCancellationRequested)
        {
            Stream stream;
            try
            {
                stream = await _transport.OpenAsync(cancellationToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException or System.Net.Sockets.SocketException or InvalidOperationException)
            {
                var reason = $"cannot open {_transport.Description}: {e.Message}";
                if (reason != lastReportedFailure)
                {
                    TransportLog.LinkDown(_logger, _instrumentId, reason);
                    _observer.OnLinkDown(_instrumentId, reason);
                    lastReportedFailure = reason;
                }
                if (!await DelayAsync(attempt++, cancellationToken).ConfigureAwait(false)) return;
                continue;
            }

            lastReportedFailure = null;
            var startedAt = _time.GetTimestamp();
            IsUp = true;
            TransportLog.LinkUp(_logger, _instrumentId, _transport.Description);
            _observer.OnLinkUp(_instrumentId, _transport.Description);
            string downReason;
            try
            {
                await _session.RunAsync(stream, cancellationToken).ConfigureAwait(false);
                downReason = cancellationToken.IsCancellationRequested ? "gateway stopping" : "connection closed by the instrument";
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                downReason = "gateway stopping";
            }
            catch (Exception e) when (e is IOException or ObjectDisposedException or System.Net.Sockets.SocketException)
            {
                downReason = e.Message;
            }
            catch (Exception e)
            {
                TransportLog.SessionFailed(_logger, _instrumentId, e);
                // The session contract says it never throws for bad input; what reaches here is I/O (cable pulled,
                // peer reset) or a defect. Either way the link is down and the loop goes on: the gateway must not die.
                downReason = e.Message;
            }
            finally
            {
                IsUp = false;
                await stream.DisposeAsync().ConfigureAwait(false);
            }
            TransportLog.LinkDown(_logger, _instrumentId, downReason);
            _observer.OnLinkDown(_instrumentId, downReason);
            if (cancellationToken.IsCancellationRequested) return;
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
