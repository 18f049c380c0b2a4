using System.CommandLine;
using EdgeLab.Hub.Auth;
using EdgeLab.Hub.Fhir;
using EdgeLab.Hub.Grains;
using EdgeLab.Hub.Ingest;
using EdgeLab.Hub.Mail;
using EdgeLab.Hub.Store;
using EdgeLab.Hub.Web;

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

    public static readonly Option<string> ClusterId = new("--cluster-id")
    {
        Description = "Orleans cluster id: hub nodes on one PostgreSQL database with the same id form one cluster",
        DefaultValueFactory = _ => "edgelab",
    };

    public static readonly Option<int?> SiloPort = new("--silo-port")
    {
        Description = "Orleans silo-to-silo port (default: a free port, published in the membership table; fix one, e.g. 11111, for a firewall)",
    };

    public static readonly Option<int?> GatewayPort = new("--gateway-port")
    {
        Description = "Orleans client gateway port (default none: the hub has no external Orleans clients; customary 30000)",
    };

    public static readonly Option<string> SiloAddress = new("--silo-address")
    {
        Description = "IP address other hub nodes reach this node's silo at (PostgreSQL clusters across machines)",
        DefaultValueFactory = _ => "127.0.0.1",
    };

    public static readonly Option<double> ProbeTimeoutSeconds = new("--probe-timeout")
    {
        Description = "Seconds a membership probe may take before it counts as missed (issue 11: 1 s with 2 misses fails over in about 1 s without false deaths)",
        DefaultValueFactory = _ => 1.0,
    };

    public static readonly Option<int> MissedProbesLimit = new("--missed-probes")
    {
        Description = "Missed probes before a node suspects another",
        DefaultValueFactory = _ => 2,
    };

    public static readonly Option<string?> BrokerAclFile = new("--broker-acl-file")
    {
        Description = "Rewrite the broker's ACL when regional IT accepts or rejects a gateway through the API (as 'gateways … --broker-acl-file')",
    };

    public static readonly Option<string?> BrokerAclBase = new("--broker-acl-base") { Description = "The hub users' lines at the top of the generated ACL" };
    public static readonly Option<string?> BrokerPidFile = new("--broker-pid-file") { Description = "Mosquitto's pid_file: SIGHUP after the ACL (and CRL) changed" };
    public static readonly Option<string?> CaDirectory = new("--ca-dir") { Description = "The device CA's folder (ca.crt, ca.crl): a gateway rejected through the API goes on the CRL" };
    public static readonly Option<string?> FleetAlerts = new("--fleet-alerts")
    {
        Description = "JSON file of fleet alert thresholds and the alert webhook (README \"Fleet console and alerts\"); defaults without it",
    };
    public static readonly Option<string?> CaKey = new("--ca-key") { Description = "The CA key when kept outside --ca-dir" };

    public static Command Create()
    {
        var run = new Command("run", "Run a hub node (the default command)");
        AddOptions(run);
        run.SetAction(RunAsync);
        return run;
    }

    public static void AddOptions(Command command)
    {
        foreach (var o in new Option[] { Roles, MqttHost, MqttPort, MqttUserName, MqttPasswordFile, MqttCa, MqttCert, MqttKey, MqttServerName, Urls, TraceFile, BatchSize, MaxFutureSkewHours, ClusterId, SiloPort, GatewayPort, SiloAddress, ProbeTimeoutSeconds, MissedProbesLimit, BrokerAclFile, BrokerAclBase, BrokerPidFile, CaDirectory, CaKey, FleetAlerts }.Concat(Mail.MailCommandLine.All)) command.Options.Add(o);
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

        var cluster = ClusterOptions(result);

        var builder = WebApplication.CreateBuilder(new WebApplicationOptions { Args = [], ContentRootPath = AppContext.BaseDirectory });
        builder.WebHost.UseUrls(result.GetValue(Urls)!);
        builder.Logging.AddHubLogging();
        builder.Services.AddHubStore(storage, result.GetValue(HubOptions.CatalogFile));
        builder.Services.AddHubRuntime(
            mqtt,
            new IngestOptions { TraceFile = result.GetValue(TraceFile), MaxBatchMessages = Math.Clamp(result.GetValue(BatchSize), 1, 10_000), MaxFutureSkew = TimeSpan.FromHours(skewHours) });
        // Every hub process is an Orleans silo beside the API and the ingest (issue 11). Orleans puts its silo first
        // among the hosted services and its start (membership, directory) takes seconds on a loaded machine: start
        // them side by side so ingest subscribes and acks without waiting for the silo. Stop stays in reverse order.
        builder.UseOrleans(silo => silo.ConfigureHubSilo(storage, cluster));
        builder.Services.Configure<HostOptions>(o => o.ServicesStartConcurrently = true);
        builder.Services.AddHealthChecks().AddCheck<DatabaseHealthCheck>("database");
        builder.Services.AddSingleton(Mail.MailCommandLine.Options(result, result.GetValue(Urls)!));
        builder.Services.AddMail();
        if (api) builder.Services.AddHttpApi(builder.Configuration).AddWebUi();
        if (result.GetValue(BrokerAclFile) is { } aclFile)
            builder.Services.AddSingleton(new Broker.BrokerAccessOptions { AclFile = aclFile, AclBaseFile = result.GetValue(BrokerAclBase), BrokerPidFile = result.GetValue(BrokerPidFile) });
        if (result.GetValue(CaDirectory) is { } caDirectory)
        {
            builder.Services.AddSingleton(new Api.DeviceCaLocation(caDirectory, result.GetValue(CaKey)));
            // Renewal over MQTT is answered by the nodes that ingest (they hold the shared subscription).
            if (ingest) builder.Services.AddHostedService<Enrolment.CertificateRenewalService>();
        }

        if (result.GetValue(FleetAlerts) is { } alertsFile)
            builder.Services.AddSingleton(Fleet.Alerts.FleetAlertOptions.Load(alertsFile));

        var app = builder.Build();
        app.UseMiddleware<RequestLog>();
        await app.Services.GetRequiredService<IHubDatabase>().MigrateAsync(cancellationToken).ConfigureAwait(false);
        app.MapHealthChecks("/health");
        if (api) app.MapHttpApi().MapWebUi();
        await app.RunAsync(cancellationToken).ConfigureAwait(false);
        return 0;
    }

    private static HubClusterOptions ClusterOptions(ParseResult result)
    {
        static int? Port(ParseResult r, Option<int?> o, int min)
        {
            var p = r.GetValue(o);
            if (p is { } v && (v < min || v > 65535)) throw new ArgumentException($"{o.Name} {v} is not a TCP port; give {min} to 65535");
            return p;
        }
        var id = result.GetValue(ClusterId)!;
        if (id.Length is 0 or > 150 || !id.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.'))
            throw new ArgumentException($"--cluster-id '{id}' is not valid; use 1 to 150 letters, digits, '-', '_' or '.'");
        if (!System.Net.IPAddress.TryParse(result.GetValue(SiloAddress), out var address))
            throw new ArgumentException($"--silo-address '{result.GetValue(SiloAddress)}' is not an IP address");
        var probe = result.GetValue(ProbeTimeoutSeconds);
        if (!double.IsFinite(probe) || probe is < 0.1 or > 60) throw new ArgumentException($"--probe-timeout {probe} is not valid; give 0.1 to 60 seconds");
        var missed = result.GetValue(MissedProbesLimit);
        if (missed is < 1 or > 10) throw new ArgumentException($"--missed-probes {missed} is not valid; give 1 to 10");
        return new HubClusterOptions
        {
            ClusterId = id,
            SiloPort = Port(result, SiloPort, 1),
            GatewayPort = Port(result, GatewayPort, 0),
            AdvertisedAddress = address,
            ProbeTimeout = TimeSpan.FromSeconds(probe),
            NumMissedProbesLimit = missed,
        };
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
