using System.Diagnostics;
using EdgeLab.Gateway.Box;
using EdgeLab.Gateway.Configuration;
using EdgeLab.Gateway.Detection;
using EdgeLab.Gateway.LocalStatus;
using EdgeLab.Gateway.Management;
using EdgeLab.Gateway.OrderCache;
using EdgeLab.Gateway.Outbox;
using EdgeLab.Gateway.Uplink;
using EdgeLab.Instruments.Dialect;
using EdgeLab.Mqtt;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace EdgeLab.Gateway.Hosting;

/// <summary>
/// The whole gateway wired from one configuration: outbox and order cache (one SQLite file in the data directory),
/// instrument pipelines, uplink, management. <c>run</c> hosts it in the Generic Host; tests and benchmarks start it
/// directly, so they exercise exactly what runs on the device.
/// </summary>
internal sealed class GatewayApp : IAsyncDisposable
{
    private GatewayApp(GatewayRuntime runtime, OutboxStore outbox, SqliteOrderCache orders, InstrumentPipelines pipelines, UplinkService uplink, PipelineTrace trace, LogRing logs, ILogger log,
        LocalStatusBuilder localStatus, StatusEndpoint statusEndpoint, BoxHost box)
    {
        Box = box;
        LocalStatus = localStatus;
        StatusEndpoint = statusEndpoint;
        Runtime = runtime;
        Outbox = outbox;
        Orders = orders;
        Pipelines = pipelines;
        Uplink = uplink;
        Trace = trace;
        Logs = logs;
        Log = log;
    }

    public GatewayRuntime Runtime { get; }
    public OutboxStore Outbox { get; }
    public SqliteOrderCache Orders { get; }
    public InstrumentPipelines Pipelines { get; }
    public UplinkService Uplink { get; }
    public PipelineTrace Trace { get; }
    public LogRing Logs { get; }
    private ILogger Log { get; }

    /// <summary>The technician's view (status socket, status page).</summary>
    public LocalStatusBuilder LocalStatus { get; }
    public StatusEndpoint StatusEndpoint { get; }

    /// <summary>The box's LED, buzzer and button, when the configuration has <c>gpio</c>.</summary>
    public BoxHost Box { get; }

    public static string DatabasePath(GatewayConfig config) => Path.Combine(config.DataDirectory, OutboxDatabase.FileName);

    /// <summary>Builds everything; throws <see cref="GatewayConfigException"/> naming the field when the configuration cannot run.</summary>
    public static GatewayApp Create(GatewayConfig config, GatewayAppOptions options, LogRing? logs = null)
    {
        logs ??= new LogRing();
        var loggers = options.Loggers ?? NullLoggerFactory.Instance;
        var log = loggers.CreateLogger("EdgeLab.Gateway");
        var time = options.Time;
        var profiles = LoadProfiles(config);
        try
        {
            Directory.CreateDirectory(config.DataDirectory);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new GatewayConfigException("config", [$"dataDirectory: cannot create {config.DataDirectory}: {ex.Message}"]);
        }
        var trace = options.TraceFile is { } tf ? PipelineTrace.Open(tf) : PipelineTrace.None;
        var runtime = new GatewayRuntime(config, options.ConfigPath, time);
        var dbPath = DatabasePath(config);
        var outbox = OutboxStore.Open(new OutboxOptions
        {
            DatabasePath = dbPath,
            GatewayId = config.GatewayId,
            MaxRows = config.Outbox.MaxRows,
            MaxBytes = config.Outbox.MaxBytes,
            TranscriptRetention = TimeSpan.FromDays(config.Outbox.TranscriptRetentionDays),
            RepeatWindow = TimeSpan.FromMinutes(config.Outbox.RepeatWindowMinutes),
            RepeatWindowMessages = config.Outbox.RepeatWindowMessages,
        }, time, loggers.CreateLogger("EdgeLab.Gateway.Outbox"), trace);
        GatewayLog.OutboxOpened(log, dbPath, outbox.PendingRows, outbox.LastCommittedSequence);
        runtime.Activity.Seed(TodayCounts.Read(dbPath, TodayCounts.StartOfToday(time.GetUtcNow(), runtime.SiteZone)));
        var orders = SqliteOrderCache.Open(dbPath);
        var sink = new InstrumentSinkObserver(outbox, runtime);
        var scans = new TubeScanEventSink(outbox, runtime, loggers.CreateLogger("EdgeLab.Gateway.Scanners"));
        var detections = new InstrumentDetections(new DetectionStore(config.DataDirectory), runtime, outbox, loggers.CreateLogger("EdgeLab.Gateway.Detection"));
        var factory = new InstrumentPipelineFactory(profiles, sink, orders, time, loggers, scans, detections);
        var errors = factory.Check(config);
        if (errors.Count > 0)
        {
            orders.Dispose();
            outbox.DisposeAsync().AsTask().GetAwaiter().GetResult();
            throw new GatewayConfigException(options.ConfigPath ?? "config", errors);
        }
        var observer = new LinkEventObserver(runtime, outbox, loggers.CreateLogger("EdgeLab.Gateway.Instruments"));
        var pipelines = new InstrumentPipelines(factory, runtime, observer, time, loggers.CreateLogger("EdgeLab.Gateway.Instruments"));
        UplinkService? uplink = null;
        var commands = new CommandHandler(runtime, outbox, logs, options.RequestRestart ?? (() => { }), loggers.CreateLogger("EdgeLab.Gateway.Management"));
        commands.Detections = detections.Store;
        commands.UpdateInProgress = options.UpdateInProgress;
        var renewal = CreateRenewal(config, runtime, outbox, loggers.CreateLogger("EdgeLab.Gateway.Renewal"));
        commands.Renewal = renewal;
        var applier = new ConfigApplier(runtime, pipelines, outbox, () => _ = uplink?.PublishStatusAsync(online: true), loggers.CreateLogger("EdgeLab.Gateway.Management"));
        var mqttFactory = options.MqttClientFactory ?? ((o, l) => new MqttClient(o, l));
        uplink = new UplinkService(runtime, outbox, orders, commands, applier,
            (mqttLog, onMessage) => mqttFactory(MqttOptionsFactory.Create(runtime.Config, onMessage, options.MqttTime ?? time, renewal), mqttLog), trace, loggers,
            options.MqttTime ?? time, renewal);
        var box = new BoxHost(runtime, outbox, options.GpioDriverFactory ?? GpioDrivers.Create, loggers.CreateLogger("EdgeLab.Gateway.Box"));
        var localStatus = new LocalStatusBuilder(runtime, outbox, () => box.Status);
        box.Health = () => localStatus.Build().Health;
        var statusEndpoint = new StatusEndpoint(localStatus.Build, loggers.CreateLogger("EdgeLab.Gateway.LocalStatus"));
        return new GatewayApp(runtime, outbox, orders, pipelines, uplink, trace, logs, log, localStatus, statusEndpoint, box);
    }

    /// <summary>With a client certificate: finish or drop a switch a power cut interrupted, then renew over MQTT (issue 12 §1).</summary>
    private static EdgeLab.Gateway.Uplink.Renewal.CertificateRenewal? CreateRenewal(GatewayConfig config, GatewayRuntime runtime, OutboxStore outbox, ILogger renewalLog)
    {
        if (config.Mqtt.Tls is not { Cert: { } cert, Key: { } key } tls) return null;
        var files = new EdgeLab.Gateway.Uplink.Renewal.ClientCertificateFiles(cert, key);
        System.Security.Cryptography.X509Certificates.X509Certificate2 current;
        try
        {
            if (files.RecoverAtStart() is { } recovered) EdgeLab.Gateway.Uplink.Renewal.RenewalLog.Recovered(renewalLog, recovered);
            current = files.Load();
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or System.Security.Cryptography.CryptographicException)
        {
            throw new GatewayConfigException("config", [$"mqtt.tls.cert: cannot load {cert} with key {key}: {ex.Message}"]);
        }
        return new EdgeLab.Gateway.Uplink.Renewal.CertificateRenewal(runtime, files, MqttOptionsFactory.LoadCa(tls), current, outbox, renewalLog);
    }

    private static ProfileCatalog LoadProfiles(GatewayConfig config)
    {
        var dir = config.ProfilesDirectory ?? ProfileCatalog.FindDefaultDirectory();
        if (dir is null)
            throw new GatewayConfigException("config", ["profilesDirectory: not set, and no firmware-config/instruments folder was found beside the executable"]);
        try
        {
            return ProfileCatalog.Load(dir);
        }
        catch (ProfileCatalogException ex)
        {
            throw new GatewayConfigException("config", [$"profilesDirectory: {dir}: {ex.Message}"]);
        }
    }

    public async Task StartAsync(CancellationToken cancellationToken = default)
    {
        var started = Stopwatch.GetTimestamp();
        await Pipelines.StartAsync(Runtime.Config).ConfigureAwait(false);
        await Uplink.StartAsync(cancellationToken).ConfigureAwait(false);
        var page = Runtime.Config.StatusPage is { } p ? new System.Net.IPEndPoint(System.Net.IPAddress.Parse(p.Address), p.Port) : null;
        StatusEndpoint.Start(Runtime.Config.DataDirectory, page);
        Box.Start();
        GatewayLog.Started(Log, Runtime.Config.GatewayId, (long)Stopwatch.GetElapsedTime(started).TotalMilliseconds, Pipelines.RunningCount);
    }

    public async Task StopAsync(CancellationToken cancellationToken = default)
    {
        await Pipelines.StopAsync().ConfigureAwait(false);
        await Uplink.StopAsync(cancellationToken).ConfigureAwait(false);
    }

    public async ValueTask DisposeAsync()
    {
        Box.Dispose();
        await StatusEndpoint.DisposeAsync().ConfigureAwait(false);
        await Pipelines.DisposeAsync().ConfigureAwait(false);
        await Uplink.DisposeAsync().ConfigureAwait(false);
        await Outbox.DisposeAsync().ConfigureAwait(false);
        Orders.Dispose();
        Trace.Dispose();
    }
}
