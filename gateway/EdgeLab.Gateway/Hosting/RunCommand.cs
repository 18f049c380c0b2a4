using System.CommandLine;
using EdgeLab.Gateway.Configuration;
using EdgeLab.Gateway.Fleet.Update;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace EdgeLab.Gateway.Hosting;

/// <summary><c>edgelab-gateway run --config FILE [--trace-file FILE] [--update-root DIR]</c>: the service itself.</summary>
internal static class RunCommand
{
    /// <summary>Exit code of the hub's <c>restart</c> command: the service manager starts the gateway again (EX_TEMPFAIL).</summary>
    public const int RestartExitCode = 75;
    public const int ConfigErrorExitCode = 2;

    public static Command Create()
    {
        var config = new Option<FileInfo>("--config", "-c")
        {
            Description = "Gateway configuration file (JSON, firmware-config/gateway.schema.json)",
            Required = true,
        };
        var trace = new Option<FileInfo?>("--trace-file")
        {
            Description = "Append one JSON line per pipeline step (received, committed, published, acked) without patient data",
        };
        var updateRoot = new Option<DirectoryInfo?>("--update-root")
        {
            Description = "A/B install root (a/, b/, current, update.state): a new version's first start is health-checked, then kept or rolled back",
        };
        var healthSeconds = new Option<int>("--update-health-seconds")
        {
            Description = "How long a new version has to become healthy (uplink connected, instruments up, outbox drained)",
            DefaultValueFactory = _ => (int)UpdateTrial.DefaultWindow.TotalSeconds,
        };
        var bundle = new Option<FileInfo?>("--bundle")
        {
            Description = "Bootstrap bundle from 'edgelab-hub gateways enrol' (.tar.gz): unpacked next to --config on the first start, when that file does not exist yet",
        };
        var command = new Command("run", "Run the gateway: serve the configured instruments, keep everything in the outbox, send it to the hub")
        {
            config,
            bundle,
            trace,
            updateRoot,
            healthSeconds,
        };
        command.SetAction((parse, cancellationToken) => RunAsync(parse.GetValue(config)!, parse.GetValue(trace), cancellationToken,
            parse.GetValue(updateRoot), TimeSpan.FromSeconds(Math.Max(1, parse.GetValue(healthSeconds))), parse.GetValue(bundle)));
        return command;
    }

    public static async Task<int> RunAsync(FileInfo configFile, FileInfo? traceFile, CancellationToken cancellationToken,
        DirectoryInfo? updateRoot = null, TimeSpan? healthWindow = null, FileInfo? bundle = null)
    {
        GatewayConfig config;
        try
        {
            if (bundle is not null && BootstrapBundle.UnpackIfFirstStart(bundle.FullName, configFile.FullName))
                await Console.Out.WriteLineAsync($"bootstrap bundle {bundle.FullName} unpacked into {configFile.DirectoryName}").ConfigureAwait(false);
            config = GatewayConfigLoader.LoadFile(configFile.FullName);
        }
        catch (GatewayConfigException ex)
        {
            await Console.Error.WriteLineAsync(ex.Message).ConfigureAwait(false);
            return ConfigErrorExitCode;
        }

        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true, ApplicationName = "edgelab-gateway" });
        var logs = new LogRing();
        builder.Logging.ClearProviders();
        builder.Logging.AddSimpleConsole(o =>
        {
            o.SingleLine = true;
            o.TimestampFormat = "yyyy-MM-dd'T'HH:mm:ss.fff ";
            o.UseUtcTimestamp = true;
        });
        builder.Logging.AddProvider(logs);
        builder.Logging.SetMinimumLevel(LogLevel.Information);
        builder.Logging.AddFilter("EdgeLab.Mqtt", LogLevel.Warning);
        builder.Services.Configure<HostOptions>(o => o.ShutdownTimeout = TimeSpan.FromSeconds(10));

        var restart = false;
        IHostApplicationLifetime? lifetime = null;
        GatewayApp app;
        // The logger factory is only available once the host is built; the app needs it at construction, so build twice-free:
        // a small factory of the same providers for the app, disposed with it.
        using var loggers = LoggerFactory.Create(l =>
        {
            l.AddSimpleConsole(o =>
            {
                o.SingleLine = true;
                o.TimestampFormat = "yyyy-MM-dd'T'HH:mm:ss.fff ";
                o.UseUtcTimestamp = true;
            });
            l.AddProvider(logs);
            l.SetMinimumLevel(LogLevel.Information);
            l.AddFilter("EdgeLab.Mqtt", LogLevel.Warning);
        });
        UpdateTrial? trial = null;
        var trialJudged = false;
        if (updateRoot is not null)
        {
            trial = new UpdateTrial(new SlotInstaller(new SlotDirectory(updateRoot.FullName)), healthWindow ?? UpdateTrial.DefaultWindow,
                loggers.CreateLogger("EdgeLab.Gateway.Update"));
            if (trial.BeforeStart() == StartDecision.ExitForRollback)
            {
                return RestartExitCode;
            }
        }
        try
        {
            app = GatewayApp.Create(config, new GatewayAppOptions
            {
                ConfigPath = configFile.FullName,
                TraceFile = traceFile?.FullName,
                Loggers = loggers,
                UpdateInProgress = () => trial is { Decision: StartDecision.RunTrial } && !trialJudged
                    ? "a new version is on trial (its health check decides whether it stays); reboot after it committed or rolled back"
                    : null,
                RequestRestart = () =>
                {
                    restart = true;
                    lifetime?.StopApplication();
                },
            }, logs);
        }
        catch (GatewayConfigException ex)
        {
            await Console.Error.WriteLineAsync(ex.Message).ConfigureAwait(false);
            return ConfigErrorExitCode;
        }
        await using (app.ConfigureAwait(false))
        {
            builder.Services.AddSingleton(app);
            builder.Services.AddHostedService<GatewayHostedService>();
            using var host = builder.Build();
            lifetime = host.Services.GetRequiredService<IHostApplicationLifetime>();
            await using var systemd = SystemdNotifier.FromEnvironment(TimeProvider.System);
            if (systemd is not null)
            {
                lifetime.ApplicationStarted.Register(systemd.Ready);
                lifetime.ApplicationStopping.Register(systemd.Stopping);
            }
            var judging = Task.CompletedTask;
            if (trial is not null)
            {
                // A stop during the trial (SIGTERM, power) leaves it uncommitted: the next start rolls back.
                var stopping = lifetime.ApplicationStopping;
                var appLifetime = lifetime;
                appLifetime.ApplicationStarted.Register(() => judging = Task.Run(async () =>
                {
                    var rollBack = await trial.JudgeAsync(app, stopping).ConfigureAwait(false);
                    trialJudged = true;
                    if (rollBack)
                    {
                        restart = true;
                        appLifetime.StopApplication();
                    }
                }, CancellationToken.None));
            }
            await host.RunAsync(cancellationToken).ConfigureAwait(false);
            try
            {
                await judging.ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
            }
        }
        return restart ? RestartExitCode : 0;
    }
}
