using System.Text.Json;
using EdgeLab.Hub.Store;

namespace EdgeLab.Hub.Web.Queues;

/// <summary>A tube scanned at an analyzer's or a desk's scanner, as the lab's gateways reported it (<c>tube-scan</c> events).</summary>
internal sealed record TubeScanRow(string GatewayId, DateTimeOffset At, string? SpecimenId, string? Station, string? ScannerId);

/// <summary>The recent tube-scan events of a lab's gateways (the gateway's <c>TubeScanEventSink</c> names the data keys).</summary>
internal sealed class TubeScans(IDirectoryStore directory)
{
    public async Task<IReadOnlyList<TubeScanRow>> RecentAsync(string labId, int count, CancellationToken cancellationToken)
    {
        var rows = new List<TubeScanRow>();
        foreach (var gateway in await directory.ListGatewaysAsync(labId, cancellationToken).ConfigureAwait(false))
        {
            foreach (var e in await directory.ListGatewayEventsAsync(gateway.Id, 200, cancellationToken).ConfigureAwait(false))
            {
                if (e.Type != Contract.EventTypes.TubeScan) continue;
                var data = Data(e.DataJson);
                rows.Add(new TubeScanRow(e.GatewayId, e.At, data.GetValueOrDefault("specimenId"), data.GetValueOrDefault("station"), data.GetValueOrDefault("scannerId")));
            }
        }
        return rows.OrderByDescending(r => r.At).Take(count).ToList();
    }

    private static Dictionary<string, string> Data(string? json)
    {
        if (string.IsNullOrEmpty(json)) return [];
        try
        {
            using var doc = JsonDocument.Parse(json);
            return doc.RootElement.ValueKind != JsonValueKind.Object
                ? []
                : doc.RootElement.EnumerateObject().Where(p => p.Value.ValueKind == JsonValueKind.String).ToDictionary(p => p.Name, p => p.Value.GetString()!);
        }
        catch (JsonException)
        {
            return [];
        }
    }
}
