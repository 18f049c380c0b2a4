using System.CommandLine;
using EdgeLab.Gateway.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace EdgeLab.Gateway.Hosting;

/// <summary><c>edgelab-gateway run --config FILE [--trace-file FILE]</c>: the service itself.</summary>
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
        var command = new Command("run", "Run the gateway: serve the configured instruments, keep everything in the outbox, send it to the hub")
        {
            config,
            trace,
        };
        command.SetAction((parse, cancellationToken) => RunAsync(parse.GetValue(config)!, parse.GetValue(trace), cancellationToken));
        return command;
    }

    public static async Task<int> RunAsync(FileInfo configFile, FileInfo? traceFile, CancellationToken cancellationToken)
    {
        GatewayConfig config;
        try
        {
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
        try
        {
            app = GatewayApp.Create(config, new GatewayAppOptions
            {
                ConfigPath = configFile.FullName,
                TraceFile = traceFile?.FullName,
                Loggers = loggers,
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
            await host.RunAsync(cancellationToken).ConfigureAwait(false);
        }
        return restart ? RestartExitCode : 0;
    }
}
