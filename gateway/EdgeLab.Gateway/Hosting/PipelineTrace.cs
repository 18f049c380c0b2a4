using System.Globalization;
using System.Text.Json;

namespace EdgeLab.Gateway.Hosting;

/// <summary>
/// <c>--trace-file</c>: one JSON line per pipeline step of every outbox message, without patient data, e.g.
/// <c>{"event":"committed","seq":42,"instrument":"xn-550-1","at":"2026-11-21T09:00:00.123Z"}</c>.
/// The demo tails it to print how long each step took. Steps: received (last frame arrived), committed (durable),
/// published (broker PUBACK), acked (hub's end-to-end ack).
/// </summary>
internal sealed class PipelineTrace : IDisposable
{
    public const string Received = "received";
    public const string Committed = "committed";
    public const string Published = "published";
    public const string Acked = "acked";

    public static PipelineTrace None { get; } = new(null);

    private readonly Lock _gate = new();
    private readonly FileStream? _file;
    private readonly System.Buffers.ArrayBufferWriter<byte> _buffer = new(256);

    private PipelineTrace(FileStream? file) => _file = file;

    public static PipelineTrace Open(string path)
    {
        var dir = Path.GetDirectoryName(Path.GetFullPath(path));
        if (dir is not null) Directory.CreateDirectory(dir);
        return new PipelineTrace(new FileStream(path, FileMode.Append, FileAccess.Write, FileShare.ReadWrite | FileShare.Delete, 1, FileOptions.None));
    }

    public bool Enabled => _file is not null;

    public void Write(string step, long sequence, string instrumentId, DateTimeOffset at)
    {
        if (_file is null) return;
        lock (_gate)
        {
            var buffer = _buffer;
            buffer.ResetWrittenCount();
            using (var json = new Utf8JsonWriter(buffer))
            {
                json.WriteStartObject();
                json.WriteString("event", step);
                json.WriteNumber("seq", sequence);
                json.WriteString("instrument", instrumentId);
                json.WriteString("at", at.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture));
                json.WriteEndObject();
            }
            System.Buffers.BuffersExtensions.Write(buffer, "\n"u8);
            try
            {
                // One write per line, flushed at once: a reader tailing the file never sees half a line.
                _file.Write(buffer.WrittenSpan);
                _file.Flush();
            }
            catch (IOException)
            {
                // The trace is a diagnostic; a full disk must not stop the pipeline.
            }
        }
    }

    public void Dispose() => _file?.Dispose();
}
