using System.Text;
using System.Text.Json;

namespace EdgeLab.Hub.Ingest;

/// <summary>
/// The timing trace for the demo and benchmarks: one JSON line per stored result message, no patient data (the
/// specimen id is the tube's barcode, which the end-to-end benchmark matches to the analyzer's message):
/// <c>{"event":"stored","messageId":"gw:seq","specimen":"2611210001","at":"2026-11-21T09:00:00.123Z"}</c>. Appended
/// and flushed per batch.
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

    public void Stored(IReadOnlyList<(string MessageId, string? SpecimenId)> messages, DateTimeOffset at)
    {
        if (_file is null || messages.Count == 0) return;
        var stamp = at.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", System.Globalization.CultureInfo.InvariantCulture);
        var text = new StringBuilder();
        foreach (var (id, specimen) in messages)
        {
            text.Append("{\"event\":\"stored\",\"messageId\":").Append(JsonSerializer.Serialize(id))
                .Append(",\"specimen\":").Append(JsonSerializer.Serialize(specimen))
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
