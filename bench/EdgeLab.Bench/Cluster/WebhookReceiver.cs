using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using EdgeLab.LocalServices;

namespace EdgeLab.Bench.Cluster;

/// <summary>
/// The clinics' EMR end of critical-value webhooks: a real HTTP listener on loopback that acknowledges every POST
/// (200) and records, per <c>Idempotency-Key</c>, when it first arrived and how often — the receiver dedupes on the
/// key, so a repeat after a node's death is harmless, but it is counted.
/// </summary>
internal sealed class WebhookReceiver : IDisposable
{
    private const string IdempotencyHeader = "Idempotency-Key";
    private readonly HttpListener _listener = new();
    private readonly int _port = FreeTcpPort.Next();
    private readonly CancellationTokenSource _stop = new();
    private Stopwatch _clock = Stopwatch.StartNew();

    /// <summary>Key → (organization from the path, first arrival on the rig's clock in ms, POSTs).</summary>
    public ConcurrentDictionary<string, (string Organization, long FirstAt, int Posts)> Received { get; } = new();

    public static WebhookReceiver Start()
    {
        var receiver = new WebhookReceiver();
        receiver._listener.Prefixes.Add($"http://127.0.0.1:{receiver._port}/hook/");
        receiver._listener.Start();
        _ = Task.Run(receiver.ServeAsync);
        return receiver;
    }

    /// <summary>Times are read on the rig's clock from here on.</summary>
    public void UseClock(Stopwatch clock) => _clock = clock;

    public string UrlFor(string organization) => $"http://127.0.0.1:{_port}/hook/{organization}";

    private async Task ServeAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            HttpListenerContext ctx;
            try
            {
                ctx = await _listener.GetContextAsync().WaitAsync(_stop.Token);
            }
            catch (Exception ex) when (ex is OperationCanceledException or HttpListenerException or ObjectDisposedException)
            {
                return;
            }
            var at = _clock.ElapsedMilliseconds;
            var key = ctx.Request.Headers[IdempotencyHeader] ?? "(none)";
            var organization = ctx.Request.Url?.Segments.LastOrDefault()?.Trim('/') ?? "";
            Received.AddOrUpdate(key, _ => (organization, at, 1), (_, seen) => seen with { Posts = seen.Posts + 1 });
            ctx.Response.StatusCode = 200;
            ctx.Response.Close();
        }
    }

    public void Dispose()
    {
        _stop.Cancel();
        _listener.Close();
        _stop.Dispose();
    }
}
