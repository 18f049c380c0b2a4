using System.Collections.Concurrent;
using System.Text.Json;

namespace EdgeLab.Demo;

/// <summary>
/// Follows the JSON-lines trace files the gateway (<c>--trace-file</c>: received, committed, published, acked) and the
/// hub (stored) append to, so the demo can print when each step happened. The files hold no patient data.
/// </summary>
internal sealed class PipelineTrace : IAsyncDisposable
{
    private readonly CancellationTokenSource _stop = new();
    private readonly List<Task> _followers = [];

    /// <summary>(event, key) → first time seen, where key is the outbox sequence or message id.</summary>
    public ConcurrentDictionary<(string Event, string Key), DateTimeOffset> Seen { get; } = new();

    public event Action<TraceEvent>? Event;

    public void Follow(string path, string source) => _followers.Add(Task.Run(() => FollowAsync(path, source, _stop.Token)));

    private async Task FollowAsync(string path, string source, CancellationToken ct)
    {
        while (!File.Exists(path))
        {
            if (ct.IsCancellationRequested) return;
            await Task.Delay(50, CancellationToken.None);
        }
        await using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
        using var reader = new StreamReader(stream);
        var pending = "";
        while (!ct.IsCancellationRequested)
        {
            var chunk = await reader.ReadToEndAsync(CancellationToken.None);
            if (chunk.Length == 0)
            {
                await Task.Delay(20, CancellationToken.None);
                continue;
            }
            pending += chunk;
            int nl;
            while ((nl = pending.IndexOf('\n', StringComparison.Ordinal)) >= 0)
            {
                var line = pending[..nl].Trim();
                pending = pending[(nl + 1)..];
                if (line.Length > 0 && TryParse(line, source) is { } e)
                {
                    Seen.TryAdd((e.Name, e.Key), e.At);
                    Event?.Invoke(e);
                }
            }
        }
    }

    private static TraceEvent? TryParse(string line, string source)
    {
        try
        {
            using var doc = JsonDocument.Parse(line);
            var root = doc.RootElement;
            var name = root.TryGetProperty("event", out var ev) ? ev.GetString() : null;
            if (name is null) return null;
            var key = root.TryGetProperty("messageId", out var mid) ? mid.GetString()
                : root.TryGetProperty("seq", out var seq) ? seq.ToString() : null;
            var at = root.TryGetProperty("at", out var atEl) && atEl.TryGetDateTimeOffset(out var t) ? t : DateTimeOffset.UtcNow;
            var instrument = root.TryGetProperty("instrument", out var inst) ? inst.GetString() : null;
            return new TraceEvent(source, name, key ?? "", instrument, at);
        }
        catch (JsonException)
        {
            return null;
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        await Task.WhenAll(_followers);
        _stop.Dispose();
    }
}

internal sealed record TraceEvent(string Source, string Name, string Key, string? Instrument, DateTimeOffset At);
