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
    public static readonly Option<string> Urls = new("--urls") { Description = "HTTP listen address (API and /health)", DefaultValueFactory = _ => "http://127.0.0.1:5080" };
    public static readonly Option<string?> TraceFile = new("--trace-file") { Description = "Append one JSON line per stored result message (timings, no patient data)" };
    public static readonly Option<int> BatchSize = new("--batch-size") { Description = "Most messages written per database transaction", DefaultValueFactory = _ => 512 };

    public static Command Create()
    {
        var run = new Command("run", "Run a hub node (the default command)");
        AddOptions(run);
        run.SetAction(RunAsync);
        return run;
    }

    public static void AddOptions(Command command)
    {
        foreach (var o in new Option[] { Roles, MqttHost, MqttPort, Urls, TraceFile, BatchSize }) command.Options.Add(o);
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

        var builder = WebApplication.CreateBuilder(new WebApplicationOptions { Args = [], ContentRootPath = AppContext.BaseDirectory });
        builder.WebHost.UseUrls(result.GetValue(Urls)!);
        builder.Logging.AddHubLogging();
        builder.Services.AddHubStore(storage, result.GetValue(HubOptions.CatalogFile));
        builder.Services.AddHubRuntime(
            new HubMqttOptions { Host = result.GetValue(MqttHost)!, Port = result.GetValue(MqttPort), Ingest = ingest },
            new IngestOptions { TraceFile = result.GetValue(TraceFile), MaxBatchMessages = Math.Clamp(result.GetValue(BatchSize), 1, 10_000) });
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
}
