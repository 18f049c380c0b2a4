using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace EdgeLab.Demo;

/// <summary>The demo's view of the hub's HTTP API: register a referral (as an EMR would) and read results through FHIR.</summary>
internal sealed class HubApi(HttpClient http, string token) : IDisposable
{
    public Uri BaseAddress => http.BaseAddress!;

    public static HubApi Create(int port, string token)
    {
        var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}/"), Timeout = TimeSpan.FromSeconds(10) };
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        return new HubApi(http, token);
    }

    public string Token => token;

    public async Task<bool> IsHealthyAsync(CancellationToken ct)
    {
        try
        {
            using var response = await http.GetAsync("health", ct);
            return response.IsSuccessStatusCode;
        }
        catch (HttpRequestException)
        {
            return false;
        }
        catch (TaskCanceledException) when (!ct.IsCancellationRequested)
        {
            return false;
        }
    }

    /// <summary>POST /api/referrals: a synthetic patient and a referral; returns the patient id and the issued specimen barcodes.</summary>
    public async Task<RegisteredReferral> RegisterReferralAsync(JsonObject form, CancellationToken ct)
    {
        using var response = await http.PostAsJsonAsync("api/referrals", form, ct);
        var body = await response.Content.ReadAsStringAsync(ct);
        if (!response.IsSuccessStatusCode)
            throw new DemoFailedException($"the hub refused the demo referral: HTTP {(int)response.StatusCode}: {body}");
        var node = JsonNode.Parse(body) ?? throw new DemoFailedException("empty referral response");
        var referralId = node["referralId"]?.ToString() ?? node["id"]?.ToString() ?? "?";
        var patientId = node["patientId"]?.ToString() ?? node["patient"]?["id"]?.ToString()
            ?? throw new DemoFailedException($"referral response has no patient id: {body}");
        var barcodes = (node["specimens"] as JsonArray ?? [])
            .Select(s => s?["barcode"]?.ToString() ?? s?["id"]?.ToString())
            .Where(b => b is not null)
            .Select(b => b!)
            .ToList();
        if (barcodes.Count == 0) throw new DemoFailedException($"referral response has no specimen barcodes: {body}");
        return new RegisteredReferral(referralId, patientId, barcodes);
    }

    /// <summary>GET /fhir/Observation?patient=…: the laboratory observations visible to the EMR for that patient.</summary>
    public async Task<IReadOnlyList<JsonElement>> ObservationsAsync(string patientId, CancellationToken ct)
    {
        using var response = await http.GetAsync($"fhir/Observation?patient={Uri.EscapeDataString(patientId)}&_count=200", ct);
        if (!response.IsSuccessStatusCode) return [];
        await using var stream = await response.Content.ReadAsStreamAsync(ct);
        using var doc = await JsonDocument.ParseAsync(stream, cancellationToken: ct);
        if (!doc.RootElement.TryGetProperty("entry", out var entries)) return [];
        return entries.EnumerateArray()
            .Where(e => e.TryGetProperty("resource", out _))
            .Select(e => e.GetProperty("resource").Clone())
            .ToList();
    }

    public void Dispose() => http.Dispose();
}

internal sealed record RegisteredReferral(string ReferralId, string PatientId, IReadOnlyList<string> SpecimenBarcodes);
