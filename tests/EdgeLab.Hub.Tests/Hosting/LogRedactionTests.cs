using System.Collections.Concurrent;
using System.Globalization;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;
using EdgeLab.Hub.Auth;
using EdgeLab.Hub.Fhir;
using EdgeLab.Hub.Referrals;
using EdgeLab.Hub.Tests.Fhir;
using EdgeLab.Hub.Tests.Ingest;
using EdgeLab.Hub.Tests.Support;
using EdgeLab.LocalServices;

namespace EdgeLab.Hub.Tests.Hosting;

/// <summary>
/// Issue 9 item 7: the built <c>edgelab-hub</c> at its default log level, driven through registration, ingest,
/// searches by every identifying parameter (with <c>access_token=</c> in the URL too) and refusals, writes none of
/// the synthetic patient's identifiers, name, birth date or values, nor the token, into its log.
/// </summary>
public sealed class LogRedactionTests
{
    public static TheoryData<string> Providers => TestHub.Providers;

    private const string Family = "Логинова";
    private const string Given = "Дарина";
    private const string BirthDate = "1971-08-19";
    private const string Oms = "7788990011223344";
    private const string Hgb = "14.4321";

    [Theory]
    [MemberData(nameof(Providers))]
    public async Task No_patient_data_or_token_reaches_the_hub_log(string provider)
    {
        var snils = Snils.Complete("987654321");
        await using var broker = await MosquittoProcess.StartAsync();
        await using var hub = await TestHub.CreateAsync(provider);
        var token = await ApiTestHost.AddClientAsync(hub, "clinic-1-emr", TestHub.Clinic, [ApiScopes.ReadAll, ApiScopes.WriteAll]);
        var port = FreeTcpPort.Next();
        var lines = new ConcurrentQueue<string>();
        await using var node = EdgeLabComponents.Start(EdgeLabComponents.Hub,
            ["run", .. hub.StorageArguments, .. broker.HubArguments, "--urls", $"http://127.0.0.1:{port}"]);
        node.Line += lines.Enqueue;
        await TwoHubNodesTests.WaitForSubscribedAsync(node);
        using var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}") };
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        await WaitForApiAsync(http, node);

        // Registration.
        var form = $$"""
            {"patient": {"snils": "{{snils}}", "oms": "{{Oms}}", "family": "{{Family}}", "given": "{{Given}}", "sex": "female", "birthDate": "{{BirthDate}}"},
             "practitioner": "Петров П. П.", "tests": ["WBC", "HGB", "PLT"], "performingLab": "{{TestHub.Lab}}"}
            """;
        using var registered = await http.PostAsync(new Uri("/api/referrals", UriKind.Relative), new StringContent(form, Encoding.UTF8, "application/json"));
        Assert.Equal(201, (int)registered.StatusCode);
        var receipt = JsonNode.Parse(await registered.Content.ReadAsStringAsync())!;
        var patientId = (string)receipt["patientId"]!;
        var barcode = (string)receipt["specimens"]![0]!["barcode"]!;

        // Ingest.
        await using (var gateway = await GatewayPeer.ConnectAsync(TestHub.Gateway, broker))
        {
            await gateway.PublishAsync(Messages.Cbc(1, barcode, hgb: Hgb));
            await gateway.WaitForAcksAsync([1], TimeSpan.FromSeconds(20));
        }

        // Searches by everything that identifies her, some with the token in the query as careless clients send it.
        var tokenQuery = "&access_token=" + token;
        foreach (var url in new[]
                 {
                     $"/fhir/Patient?identifier={FhirSystems.Snils}|{snils}{tokenQuery}",
                     $"/fhir/Patient?identifier={FhirSystems.OmsPolicy}|{Oms}",
                     $"/fhir/Patient?family={Uri.EscapeDataString(Family)}&given={Uri.EscapeDataString(Given)}&birthdate={BirthDate}{tokenQuery}",
                     $"/fhir/Observation?patient={patientId}&code=HGB",
                     $"/fhir/Patient/{patientId}",
                 })
        {
            using var response = await http.GetAsync(new Uri(url, UriKind.Relative));
            Assert.True(response.IsSuccessStatusCode, $"{url}: {(int)response.StatusCode}");
            if (url.StartsWith("/fhir/Observation", StringComparison.Ordinal))
                Assert.Contains("\"Observation\"", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        }

        // Refusals: a bad token, unsupported modifiers, strict unknown parameters, a wrong content type, a probe by SNILS in a path.
        using (var stranger = new HttpClient { BaseAddress = http.BaseAddress })
        {
            stranger.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token + "x");
            Assert.Equal(401, (int)(await stranger.GetAsync(new Uri($"/fhir/Patient?identifier={snils}", UriKind.Relative))).StatusCode);
        }
        Assert.Equal(400, (int)(await http.GetAsync(new Uri($"/fhir/Patient?family:exact={Uri.EscapeDataString(Family)}{tokenQuery}", UriKind.Relative))).StatusCode);
        Assert.Equal(400, (int)(await http.GetAsync(new Uri($"/fhir/Patient?birthdate={BirthDate}x", UriKind.Relative))).StatusCode);
        Assert.Equal(404, (int)(await http.GetAsync(new Uri($"/fhir/Patient/{snils}", UriKind.Relative))).StatusCode);
        Assert.Equal(415, (int)(await http.PostAsync(new Uri("/api/referrals", UriKind.Relative), new StringContent(form, Encoding.UTF8, "text/plain"))).StatusCode);

        await node.StopAsync();
        var log = string.Join('\n', lines) + "\n" + node.Output;
        Assert.Contains("HTTP GET /fhir/Patient", log, StringComparison.Ordinal); // the requests were logged, at the default level
        var needles = new Dictionary<string, string>
        {
            ["SNILS"] = snils,
            ["SNILS formatted"] = $"{snils[..3]}-{snils[3..6]}-{snils[6..9]} {snils[9..]}",
            ["OMS"] = Oms,
            ["family"] = Family,
            ["family (URL)"] = Uri.EscapeDataString(Family),
            ["given"] = Given,
            ["birth date"] = BirthDate,
            ["value"] = Hgb,
            ["value in g/L"] = "144.321",
            ["token"] = token,
            ["token hash"] = ApiTokens.Hash(token),
        };
        var hits = needles.Where(n => log.Contains(n.Value, StringComparison.OrdinalIgnoreCase)).Select(n => n.Key).ToList();
        Assert.True(hits.Count == 0, $"the hub log holds {string.Join(", ", hits)}:\n{log}");
    }

    /// <summary>Kestrel binds after the hosted services start: poll until the API answers.</summary>
    private static async Task WaitForApiAsync(HttpClient http, ChildProcess node)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(30);
        while (true)
        {
            try
            {
                (await http.GetAsync(new Uri("/health", UriKind.Relative))).EnsureSuccessStatusCode();
                return;
            }
            catch (HttpRequestException) when (DateTime.UtcNow < deadline && !node.HasExited)
            {
                await Task.Delay(50);
            }
        }
    }
}
