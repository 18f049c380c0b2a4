using System.Text;
using System.Text.Json;

namespace EdgeLab.Hub.Ingest;

/// <summary>
/// The timing trace for the demo and benchmarks: one JSON line per stored result message, no patient data (the
/// specimen id is the tube's barcode, which the end-to-end benchmark matches to the analyzer's message):
/// <c>{"event":"stored","messageId":"gw:seq","specimen":"2611210001","received":"2026-11-21T09:00:00.119Z","at":"2026-11-21T09:00:00.123Z"}</c>
/// (received: when the hub's MQTT handler took it; at: committed). Appended and flushed per batch.
/// </summary>
internal sealed class IngestTrace : IDisposable
{
    private readonly FileStream? _file;

    public IngestTrace(string? path)
    {
        if (path is null) return;
        var full = Path.GetFullPath(path);
        Directory.CreateDirectory(Path.GetDirectoryName(full)!);
        _file = new FileStream(full, FileMode.Append, FileAccess.Write, FileShare.ReadWrite | FileShare.Delete);
    }

    public void Stored(IReadOnlyList<(string MessageId, string? SpecimenId, DateTimeOffset ReceivedAt)> messages, DateTimeOffset at)
    {
        if (_file is null || messages.Count == 0) return;
        static string Stamp(DateTimeOffset t) => t.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", System.Globalization.CultureInfo.InvariantCulture);
        var stamp = Stamp(at);
        var text = new StringBuilder();
        foreach (var (id, specimen, received) in messages)
        {
            text.Append("{\"event\":\"stored\",\"messageId\":").Append(JsonSerializer.Serialize(id))
                .Append(",\"specimen\":").Append(JsonSerializer.Serialize(specimen))
                .Append(",\"received\":\"").Append(Stamp(received)).Append('"')
                .Append(",\"at\":\"").Append(stamp).Append("\"}\n");
        }
        var bytes = Encoding.UTF8.GetBytes(text.ToString());
        lock (_file)
        {
            _file.Write(bytes);
            _file.Flush();
        }
    }

    public void Dispose() => _file?.Dispose();
}
