using System.CommandLine;
using EdgeLab.Hub.Auth;
using EdgeLab.Hub.Fhir;
using EdgeLab.Hub.Ingest;
using EdgeLab.Hub.Store;

namespace EdgeLab.Hub.Hosting;

/// <summary><c>edgelab-hub run</c> (also the default): the hub node with roles <c>ingest</c> and/or <c>api</c>.</summary>
internal static class RunCommand
{
    public static readonly Option<string> Roles = new("--roles") { Description = "Comma-separated roles of this node: ingest, api", DefaultValueFactory = _ => "ingest,api" };
    public static readonly Option<string> MqttHost = new("--mqtt-host") { Description = "MQTT broker host", DefaultValueFactory = _ => "127.0.0.1" };
    public static readonly Option<int> MqttPort = new("--mqtt-port") { Description = "MQTT broker port", DefaultValueFactory = _ => 1883 };
    public static readonly Option<string?> MqttUserName = new("--mqtt-username") { Description = "The hub's user at the broker (deploy/mosquitto: each hub node and each gateway its own user)" };
    public static readonly Option<string?> MqttPasswordFile = new("--mqtt-password-file") { Description = "File holding the hub's broker password (one line; keeps it out of the process list)" };
    public static readonly Option<string?> MqttCa = new("--mqtt-ca") { Description = "PEM CA that signed the broker's certificate: connect over TLS and trust only this CA" };
    public static readonly Option<string?> MqttCert = new("--mqtt-cert") { Description = "PEM client certificate of this hub node (CN = its broker user, e.g. hub-1); needs --mqtt-key" };
    public static readonly Option<string?> MqttKey = new("--mqtt-key") { Description = "PEM private key of --mqtt-cert" };
    public static readonly Option<string?> MqttServerName = new("--mqtt-server-name") { Description = "Name the broker's certificate must carry (default: --mqtt-host)" };
    public static readonly Option<string> Urls = new("--urls") { Description = "HTTP listen address (API and /health)", DefaultValueFactory = _ => "http://127.0.0.1:5080" };
    public static readonly Option<string?> TraceFile = new("--trace-file") { Description = "Append one JSON line per stored result message (timings, no patient data)" };
    public static readonly Option<int> BatchSize = new("--batch-size") { Description = "Most messages written per database transaction", DefaultValueFactory = _ => 512 };

    public static readonly Option<double> MaxFutureSkewHours = new("--max-future-skew-hours")
    {
        Description = "How many hours a result's time may be ahead of the hub's clock before it is held as FutureDated",
        DefaultValueFactory = _ => IngestOptions.DefaultMaxFutureSkew.TotalHours,
    };

    public static Command Create()
    {
        var run = new Command("run", "Run a hub node (the default command)");
        AddOptions(run);
        run.SetAction(RunAsync);
        return run;
    }

    public static void AddOptions(Command command)
    {
        foreach (var o in new Option[] { Roles, MqttHost, MqttPort, MqttUserName, MqttPasswordFile, MqttCa, MqttCert, MqttKey, MqttServerName, Urls, TraceFile, BatchSize, MaxFutureSkewHours }) command.Options.Add(o);
    }

    public static async Task<int> RunAsync(ParseResult result, CancellationToken cancellationToken)
    {
        var roles = result.GetValue(Roles)!.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        var unknown = roles.Where(r => r is not ("ingest" or "api")).ToList();
        if (unknown.Count > 0 || roles.Length == 0)
            throw new ArgumentException($"--roles '{result.GetValue(Roles)}' is not valid; use ingest, api or ingest,api");
        var ingest = roles.Contains("ingest");
        var api = roles.Contains("api");
        var storage = HubOptions.Storage(result);
        var mqtt = MqttOptions(result, ingest);
        var skewHours = result.GetValue(MaxFutureSkewHours);
        if (!double.IsFinite(skewHours) || skewHours is < 0 or > 24 * 366)
            throw new ArgumentException($"--max-future-skew-hours {skewHours} is not valid; give 0 to 8784 hours (default 24)");

        var builder = WebApplication.CreateBuilder(new WebApplicationOptions { Args = [], ContentRootPath = AppContext.BaseDirectory });
        builder.WebHost.UseUrls(result.GetValue(Urls)!);
        builder.Logging.AddHubLogging();
        builder.Services.AddHubStore(storage, result.GetValue(HubOptions.CatalogFile));
        builder.Services.AddHubRuntime(
            mqtt,
            new IngestOptions { TraceFile = result.GetValue(TraceFile), MaxBatchMessages = Math.Clamp(result.GetValue(BatchSize), 1, 10_000), MaxFutureSkew = TimeSpan.FromHours(skewHours) });
        builder.Services.AddHealthChecks().AddCheck<DatabaseHealthCheck>("database");
        if (api) builder.Services.AddFhirApi(builder.Configuration);

        var app = builder.Build();
        app.UseMiddleware<RequestLog>();
        await app.Services.GetRequiredService<IHubDatabase>().MigrateAsync(cancellationToken).ConfigureAwait(false);
        app.MapHealthChecks("/health");
        if (api) app.MapFhirApi();
        await app.RunAsync(cancellationToken).ConfigureAwait(false);
        return 0;
    }

    /// <summary>The broker options, with the credential and certificate files loaded once here so a bad path fails at start with the option's name.</summary>
    private static HubMqttOptions MqttOptions(ParseResult result, bool ingest)
    {
        var ca = result.GetValue(MqttCa);
        if (ca is null && (result.GetValue(MqttCert) ?? result.GetValue(MqttKey) ?? result.GetValue(MqttServerName)) is not null)
            throw new ArgumentException("--mqtt-cert, --mqtt-key and --mqtt-server-name need --mqtt-ca (the CA of the broker's certificate)");
        var options = new HubMqttOptions
        {
            Host = result.GetValue(MqttHost)!,
            Port = result.GetValue(MqttPort),
            Ingest = ingest,
            UserName = result.GetValue(MqttUserName),
            PasswordFile = result.GetValue(MqttPasswordFile),
            Tls = ca is null ? null : new HubMqttTlsOptions
            {
                CaFile = ca,
                CertFile = result.GetValue(MqttCert),
                KeyFile = result.GetValue(MqttKey),
                ServerName = result.GetValue(MqttServerName),
            },
        };
        _ = HubMqttCredentials.LoadPassword(options);
        _ = HubMqttCredentials.LoadTls(options);
        return options;
    }
}
