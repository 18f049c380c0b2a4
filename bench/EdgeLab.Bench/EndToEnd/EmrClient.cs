using System.Globalization;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace EdgeLab.Bench.EndToEnd;

/// <summary>The benchmark acting as a clinic's EMR against the hub's HTTP API, with its bearer token.</summary>
internal sealed class EmrClient : IDisposable
{
    // Chemistry tests the simulator's chem panel reports that the catalog maps for generic-lis2 (its CHOL and NA are held unmatched).
    private static readonly string[] ChemistryTests = ["GLU", "CREA", "UREA", "ALT", "AST", "TBIL", "K"];

    private readonly HttpClient _http;

    public EmrClient(int port, string token)
    {
        _http = new HttpClient(new SocketsHttpHandler { MaxConnectionsPerServer = 64 }) { BaseAddress = new Uri($"http://127.0.0.1:{port}/"), Timeout = TimeSpan.FromSeconds(30) };
        _http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
    }

    public async Task<bool> IsHealthyAsync()
    {
        try
        {
            using var response = await _http.GetAsync(new Uri("health", UriKind.Relative));
            return response.IsSuccessStatusCode;
        }
        catch (HttpRequestException)
        {
            return false;
        }
    }

    /// <summary>
    /// Registers a chemistry referral for synthetic patient number <paramref name="patient"/> (its own OMS policy, so
    /// each patient has a few results as in a real region, not one patient with thousands); returns the serum tube's barcode.
    /// </summary>
    public async Task<string> RegisterChemistryReferralAsync(string clinic, string lab, int patient)
    {
        var form = new JsonObject
        {
            ["patient"] = new JsonObject
            {
                ["oms"] = string.Create(CultureInfo.InvariantCulture, $"7700{patient:D12}"),
                ["family"] = "Бенчева",
                ["given"] = "Анна",
                ["sex"] = "F",
                ["birthDate"] = "1984-03-12",
            },
            ["orderingOrganization"] = clinic,
            ["practitioner"] = "Bench Physician",
            ["performingLab"] = lab,
            ["tests"] = new JsonArray([.. ChemistryTests.Select(t => (JsonNode)t)]),
        };
        using var response = await _http.PostAsJsonAsync(new Uri("api/referrals", UriKind.Relative), form);
        var body = await response.Content.ReadAsStringAsync();
        if (!response.IsSuccessStatusCode) throw new InvalidOperationException($"the hub refused the bench referral: HTTP {(int)response.StatusCode}: {body}");
        var specimens = JsonNode.Parse(body)?["specimens"]?.AsArray() ?? [];
        return specimens.Select(s => s?["barcode"]?.ToString()).Single(b => b is not null)!;
    }

    /// <summary>True when <c>GET /fhir/Observation?specimen=…</c> returns at least one Observation.</summary>
    public async Task<bool> HasObservationAsync(string specimen)
    {
        using var response = await _http.GetAsync(new Uri($"fhir/Observation?specimen=Specimen/{Uri.EscapeDataString(specimen)}&_count=1", UriKind.Relative));
        if (!response.IsSuccessStatusCode) return false;
        await using var stream = await response.Content.ReadAsStreamAsync();
        using var doc = await JsonDocument.ParseAsync(stream);
        return doc.RootElement.TryGetProperty("entry", out var entry) && entry.GetArrayLength() > 0;
    }

    public void Dispose() => _http.Dispose();
}
