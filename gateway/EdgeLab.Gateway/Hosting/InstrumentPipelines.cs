using EdgeLab.Gateway.Configuration;
using EdgeLab.Instruments.Transport;
using Microsoft.Extensions.Logging;

namespace EdgeLab.Gateway.Hosting;

/// <summary>
/// Runs one <see cref="InstrumentLinkRunner"/> per enabled instrument and per barcode scanner, and replaces the whole
/// set when a new configuration is applied. A pipeline that cannot be built is reported (log, link down) and the
/// others run. A scanner runs under the same runner as an analyzer, so an unplugged USB scanner is reopened with
/// backoff and its link up/down reaches the status and the events.
/// </summary>
internal sealed class InstrumentPipelines(InstrumentPipelineFactory factory, GatewayRuntime runtime, ILinkStateObserver observer, TimeProvider time, ILogger log) : IAsyncDisposable
{
    private readonly SemaphoreSlim _gate = new(1, 1);
    private readonly List<(IInstrumentTransport Transport, Task Run)> _running = [];
    private CancellationTokenSource? _stop;

    public InstrumentPipelineFactory Factory => factory;

    public int RunningCount => _running.Count;

    public async Task StartAsync(GatewayConfig config)
    {
        await _gate.WaitAsync().ConfigureAwait(false);
        try
        {
            StartLocked(config);
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>Stops every pipeline, then starts those of <paramref name="config"/>.</summary>
    public async Task ReplaceAsync(GatewayConfig config)
    {
        await _gate.WaitAsync().ConfigureAwait(false);
        try
        {
            await StopLockedAsync().ConfigureAwait(false);
            StartLocked(config);
        }
        finally
        {
            _gate.Release();
        }
    }

    public async Task StopAsync()
    {
        await _gate.WaitAsync().ConfigureAwait(false);
        try
        {
            await StopLockedAsync().ConfigureAwait(false);
        }
        finally
        {
            _gate.Release();
        }
    }

    private void StartLocked(GatewayConfig config)
    {
        _stop = new CancellationTokenSource();
        for (var index = 0; index < config.Instruments.Count; index++)
        {
            var instrument = config.Instruments[index];
            if (!instrument.Enabled) continue;
            IInstrumentTransport transport;
            IInstrumentProtocolSession session;
            try
            {
                transport = factory.CreateTransport(instrument);
                session = factory.CreateSession(instrument, runtime.SiteZone, index);
            }
            catch (Exception ex) when (ex is ArgumentException or InvalidOperationException or KeyNotFoundException or IOException or TimeZoneNotFoundException)
            {
                GatewayLog.InstrumentNotStarted(log, instrument.Id, ex.Message);
                observer.OnLinkDown(instrument.Id, new LinkDownReason(LinkDownKind.CannotStart, $"cannot start: {ex.Message}"));
                continue;
            }
            Run(instrument.Id, transport, session);
        }
        var lab = config.OrganizationId ?? config.GatewayId;
        foreach (var scanner in config.Scanners)
        {
            IInstrumentTransport transport;
            IInstrumentProtocolSession session;
            try
            {
                (transport, session) = factory.CreateScanner(scanner, lab);
            }
            catch (Exception ex) when (ex is ArgumentException or InvalidOperationException)
            {
                GatewayLog.ScannerNotStarted(log, scanner.Id, ex.Message);
                observer.OnLinkDown(scanner.Id, new LinkDownReason(LinkDownKind.CannotStart, $"cannot start: {ex.Message}"));
                continue;
            }
            Run(scanner.Id, transport, session);
        }
    }

    private void Run(string id, IInstrumentTransport transport, IInstrumentProtocolSession session)
    {
        var runner = new InstrumentLinkRunner(id, transport, session, observer, time);
        var token = _stop!.Token;
        _running.Add((transport, Task.Run(() => runner.RunAsync(token), CancellationToken.None)));
    }

    private async Task StopLockedAsync()
    {
        if (_stop is null) return;
        await _stop.CancelAsync().ConfigureAwait(false);
        foreach (var (transport, run) in _running)
        {
            try
            {
                await run.ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                // Stopping.
            }
            await transport.DisposeAsync().ConfigureAwait(false);
        }
        _running.Clear();
        _stop.Dispose();
        _stop = null;
    }

    public async ValueTask DisposeAsync()
    {
        await StopAsync().ConfigureAwait(false);
        _gate.Dispose();
    }
}
