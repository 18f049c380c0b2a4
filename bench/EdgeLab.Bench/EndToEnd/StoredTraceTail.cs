using System.Text;
using System.Text.Json;

namespace EdgeLab.Bench.EndToEnd;

/// <summary>
/// Follows the hub's <c>--trace-file</c> (one <c>{"event":"stored","specimen":…,"received":…,"at":…}</c> line per result
/// message committed) and reports each stored specimen (with when the hub received it and when it committed) as soon as
/// its line is flushed: the hub's "stored" signal.
/// </summary>
internal sealed class StoredTraceTail(string path, Action<string, DateTimeOffset, DateTimeOffset> onStored) : IAsyncDisposable
{
    private readonly CancellationTokenSource _stop = new();
    private Task? _loop;

    public void Start() => _loop = Task.Run(() => FollowAsync(_stop.Token));

    private async Task FollowAsync(CancellationToken ct)
    {
        while (!File.Exists(path) && !ct.IsCancellationRequested) await Task.Delay(10, CancellationToken.None);
        await using var file = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
        var pending = new StringBuilder();
        var buffer = new byte[64 * 1024];
        while (!ct.IsCancellationRequested)
        {
            var n = await file.ReadAsync(buffer, CancellationToken.None);
            if (n == 0)
            {
                await Task.Delay(2, CancellationToken.None);
                continue;
            }
            pending.Append(Encoding.UTF8.GetString(buffer, 0, n));
            var text = pending.ToString();
            var end = text.LastIndexOf('\n');
            if (end < 0) continue;
            pending.Clear().Append(text[(end + 1)..]);
            foreach (var line in text[..end].Split('\n', StringSplitOptions.RemoveEmptyEntries))
            {
                using var doc = JsonDocument.Parse(line);
                var root = doc.RootElement;
                if (root.GetProperty("event").GetString() != "stored") continue;
                if (root.TryGetProperty("specimen", out var s) && s.GetString() is { } specimen)
                    onStored(specimen, root.GetProperty("received").GetDateTimeOffset(), root.GetProperty("at").GetDateTimeOffset());
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        if (_loop is not null) await _loop;
        _stop.Dispose();
    }
}
