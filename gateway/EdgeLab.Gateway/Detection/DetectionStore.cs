using System.Text.Json;
using System.Text.Json.Serialization;
using EdgeLab.Contract;

namespace EdgeLab.Gateway.Detection;

/// <summary>One instrument's kept detection, tied to the line it was found on.</summary>
/// <param name="Line">The transport it was detected on (e.g. <c>serial /dev/serial/by-id/usb-FTDI…</c>): another cable
/// or port in the configuration means another analyzer may sit there, so the old result is not used.</param>
internal sealed record DetectedInstrument(string Line, InstrumentDetectionStatus Status);

[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase, DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull, WriteIndented = true)]
[JsonSerializable(typeof(Dictionary<string, DetectedInstrument>))]
internal sealed partial class DetectionJson : JsonSerializerContext;

/// <summary>
/// What auto-detection decided, per instrument, in <c>detected-instruments.json</c> in the data directory, so a
/// restart starts with the detected rate and profile instead of listening again. Written whole to a temporary file,
/// fsynced and renamed (a power cut leaves the old or the new file, never half of one). <see cref="Reset"/> forgets
/// one instrument (the technician plugged another analyzer in): it is detected again when its pipeline restarts.
/// </summary>
internal sealed class DetectionStore
{
    public const string FileName = "detected-instruments.json";

    private readonly string _path;
    private readonly Lock _gate = new();
    private Dictionary<string, DetectedInstrument> _entries;

    public DetectionStore(string dataDirectory)
    {
        _path = Path.Combine(dataDirectory, FileName);
        _entries = Load(_path);
    }

    public string FilePath => _path;

    /// <summary>The kept detection of <paramref name="instrumentId"/> if it was made on <paramref name="line"/>.</summary>
    public InstrumentDetectionStatus? Get(string instrumentId, string line)
    {
        lock (_gate)
            return _entries.TryGetValue(instrumentId, out var e) && e.Line == line ? e.Status : null;
    }

    public void Save(string instrumentId, string line, InstrumentDetectionStatus status)
    {
        lock (_gate)
        {
            _entries[instrumentId] = new DetectedInstrument(line, status);
            Write();
        }
    }

    /// <summary>Forgets an instrument's detection; false when there was none.</summary>
    public bool Reset(string instrumentId)
    {
        lock (_gate)
        {
            if (!_entries.Remove(instrumentId)) return false;
            Write();
            return true;
        }
    }

    private void Write()
    {
        var temp = _path + ".tmp";
        using (var file = new FileStream(temp, FileMode.Create, FileAccess.Write, FileShare.None))
        {
            JsonSerializer.Serialize(file, _entries, DetectionJson.Default.DictionaryStringDetectedInstrument);
            file.Flush(flushToDisk: true);
        }
        File.Move(temp, _path, overwrite: true);
    }

    private static Dictionary<string, DetectedInstrument> Load(string path)
    {
        if (!File.Exists(path)) return new(StringComparer.Ordinal);
        try
        {
            using var file = File.OpenRead(path);
            var read = JsonSerializer.Deserialize(file, DetectionJson.Default.DictionaryStringDetectedInstrument);
            return read is null ? new(StringComparer.Ordinal) : new(read, StringComparer.Ordinal);
        }
        catch (JsonException)
        {
            // A damaged file only costs a new detection; the gateway must start.
            return new(StringComparer.Ordinal);
        }
    }
}
