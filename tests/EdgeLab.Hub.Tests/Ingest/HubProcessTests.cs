using System.Globalization;
using EdgeLab.Hub.Tests.Support;
using EdgeLab.LocalServices;

namespace EdgeLab.Hub.Tests.Ingest;

/// <summary>The built <c>edgelab-hub</c> executable: health, CLI errors that name cause and fix, trace file.</summary>
public sealed class HubProcessTests
{
    public static TheoryData<string> Providers => TestHub.Providers;

    [Theory]
    [MemberData(nameof(Providers))]
    public async Task Run_serves_health_and_writes_the_trace_without_patient_data(string provider)
    {
        await using var broker = await MosquittoProcess.StartAsync();
        await using var hub = await TestHub.CreateAsync(provider);
        var specimen = (await hub.RegisterAsync(["WBC", "HGB", "PLT"])).Specimens.Single();
        var port = FreeTcpPort.Next();
        using var traceDir = new ScratchDirectory("hubtrace");
        var trace = Path.Combine(traceDir.Path, "trace.jsonl");
        await using var node = EdgeLabComponents.Start(EdgeLabComponents.Hub,
            ["run", .. hub.StorageArguments, .. broker.HubArguments, "--urls", $"http://127.0.0.1:{port}", "--trace-file", trace]);
        await TwoHubNodesTests.WaitForSubscribedAsync(node);
        using var http = new HttpClient();
        Assert.Equal(System.Net.HttpStatusCode.OK, await GetHealthAsync(http, port, node));

        await using var gateway = await GatewayPeer.ConnectAsync(TestHub.Gateway, broker);
        await gateway.PublishAsync(Messages.Cbc(1, specimen.Id));
        await gateway.WaitForAcksAsync([1], TimeSpan.FromSeconds(20));
        var line = (await File.ReadAllLinesAsync(trace)).Single();
        // The tube's barcode, as the e2e benchmark matches it; nothing about the patient.
        Assert.Matches($$"""^\{"event":"stored","messageId":"lab-1-gw01:{{Messages.Epoch}}:1","specimen":"{{specimen.Id}}","received":"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z","at":"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z"\}$""", line);
    }

    /// <summary>Kestrel binds after the hosted services start (the MQTT subscription may come first): poll until it listens.</summary>
    private static async Task<System.Net.HttpStatusCode> GetHealthAsync(HttpClient http, int port, ChildProcess node)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(30);
        while (true)
        {
            try
            {
                return (await http.GetAsync(new Uri($"http://127.0.0.1:{port}/health"))).StatusCode;
            }
            catch (HttpRequestException) when (DateTime.UtcNow < deadline && !node.HasExited)
            {
                await Task.Delay(50);
            }
        }
    }

    [Theory]
    [InlineData(new[] { "migrate", "--database-provider", "postgres" }, "--connection-string")]
    [InlineData(new[] { "run", "--roles", "ingest,web" }, "--roles")]
    [InlineData(new[] { "gateways", "add", "--id", "GW!", "--lab", "x" }, "gateway id 'GW!' is not valid")]
    public async Task Bad_command_lines_fail_with_the_cause_and_the_fix(string[] args, string expected)
    {
        using var dir = new ScratchDirectory("hubcli");
        await using var p = EdgeLabComponents.Start(EdgeLabComponents.Hub, [.. args, "--data", dir.Path]);
        Assert.True(await p.WaitForExitAsync(TimeSpan.FromSeconds(30)));
        Assert.Equal(2, p.ExitCode);
        await Task.Delay(50); // let the output readers drain
        Assert.Contains(expected, p.Output, StringComparison.Ordinal);
    }
}
