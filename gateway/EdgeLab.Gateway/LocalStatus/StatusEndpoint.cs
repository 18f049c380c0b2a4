using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.Logging;

namespace EdgeLab.Gateway.LocalStatus;

/// <summary>
/// Serves the technician's view over HTTP/1.1 on two listeners: the status socket in the data directory (always;
/// <c>edgelab-gateway status</c> reads it, and only users who may open the data directory can) and the status page's
/// TCP address (loopback by default). Read-only: GET and HEAD of <c>/</c>, <c>/status.json</c> and <c>/status.js</c>;
/// anything else gets 404/405. Deliberately tiny — one request per connection, bounded request size and time — rather
/// than Kestrel, which the Native AOT gateway does not carry (gateway/ARCHITECTURE.md "Local status").
/// </summary>
internal sealed class StatusEndpoint : IAsyncDisposable
{
    public const string SocketFileName = "status.sock";
    private const int MaxRequestBytes = 8192;
    private static readonly TimeSpan RequestTimeout = TimeSpan.FromSeconds(5);

    private readonly Func<GatewayLocalStatus> _status;
    private readonly ILogger _log;
    private readonly CancellationTokenSource _stop = new();
    private readonly List<(Socket Socket, Task Loop)> _listeners = [];
    private string? _socketPath;

    public StatusEndpoint(Func<GatewayLocalStatus> status, ILogger log)
    {
        _status = status;
        _log = log;
    }

    /// <summary>Where the page listens, once started (port 0 in the configuration picks a free one: tests).</summary>
    public IPEndPoint? PageEndPoint { get; private set; }

    public static string SocketPath(string dataDirectory) => Path.Combine(Path.GetFullPath(dataDirectory), SocketFileName);

    /// <summary>Starts both listeners. Neither failure stops the gateway: it is logged with the fix, and the other still serves.</summary>
    public void Start(string dataDirectory, IPEndPoint? page)
    {
        var path = SocketPath(dataDirectory);
        try
        {
            // A socket file left by a killed gateway refuses connections; binding needs the name free.
            if (File.Exists(path)) File.Delete(path);
            var unix = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
            unix.Bind(new UnixDomainSocketEndPoint(path));
            unix.Listen(16);
            _socketPath = path;
            _listeners.Add((unix, Task.Run(() => AcceptLoopAsync(unix, _stop.Token))));
        }
        catch (Exception ex) when (ex is SocketException or IOException or UnauthorizedAccessException or ArgumentException)
        {
            LocalStatusLog.SocketFailed(_log, path, ex.Message);
        }
        if (page is null) return;
        try
        {
            var tcp = new Socket(page.AddressFamily, SocketType.Stream, ProtocolType.Tcp);
            tcp.Bind(page);
            tcp.Listen(16);
            PageEndPoint = (IPEndPoint)tcp.LocalEndPoint!;
            _listeners.Add((tcp, Task.Run(() => AcceptLoopAsync(tcp, _stop.Token))));
            var listening = PageEndPoint.ToString();
            LocalStatusLog.PageListening(_log, listening);
        }
        catch (SocketException ex)
        {
            var where = page.ToString();
            LocalStatusLog.PageFailed(_log, where, ex.SocketErrorCode == SocketError.AddressAlreadyInUse
                ? "the port is in use by another program: set statusPage.port to a free one, or statusPage to null"
                : ex.Message);
        }
    }

    private async Task AcceptLoopAsync(Socket listener, CancellationToken cancellationToken)
    {
        while (!cancellationToken.IsCancellationRequested)
        {
            Socket client;
            try
            {
                client = await listener.AcceptAsync(cancellationToken).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is OperationCanceledException or ObjectDisposedException or SocketException)
            {
                if (cancellationToken.IsCancellationRequested) return;
                continue;
            }
            _ = ServeAsync(client, cancellationToken);
        }
    }

    private async Task ServeAsync(Socket client, CancellationToken cancellationToken)
    {
        using var _ = client;
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(RequestTimeout);
        try
        {
            var request = await ReadRequestAsync(client, timeout.Token).ConfigureAwait(false);
            var response = request is null ? Response(400, "text/plain; charset=utf-8", "bad request\n"u8.ToArray()) : Handle(request);
            await client.SendAsync(request?.Method == "HEAD" ? HeadOnly(response) : response, SocketFlags.None, timeout.Token).ConfigureAwait(false);
            client.Shutdown(SocketShutdown.Both);
        }
        catch (Exception ex) when (ex is OperationCanceledException or SocketException or ObjectDisposedException)
        {
            // A client that went away or took too long: nothing to answer.
        }
        catch (Exception ex) when (ex is IOException or InvalidOperationException or JsonException or Microsoft.Data.Sqlite.SqliteException)
        {
            LocalStatusLog.RequestFailed(_log, ex.Message);
        }
    }

    private byte[] Handle(HttpRequestLine request)
    {
        if (request.Method is not ("GET" or "HEAD"))
            return Response(405, "text/plain; charset=utf-8", "read-only: GET or HEAD\n"u8.ToArray(), "Allow: GET, HEAD\r\n");
        var (path, query) = request.Target.IndexOf('?') is var q and >= 0 ? (request.Target[..q], request.Target[(q + 1)..]) : (request.Target, "");
        switch (path)
        {
            case "/status.json":
                return Response(200, "application/json; charset=utf-8", JsonSerializer.SerializeToUtf8Bytes(_status(), LocalStatusJson.Default.GatewayLocalStatus));
            case "/status.js":
                return Response(200, "text/javascript; charset=utf-8", Encoding.UTF8.GetBytes(StatusPage.Script));
            case "/":
                var status = _status();
                var language = QueryLanguage(query) ?? TechnicianAdvice.Choose(request.AcceptLanguage);
                var zone = TimeZoneInfo.FindSystemTimeZoneById(status.TimeZone);
                var html = StatusPage.Render(status, new TechnicianAdvice(language, zone, status.At));
                return Response(200, "text/html; charset=utf-8", Encoding.UTF8.GetBytes(html), "Content-Language: " + (language == ViewLanguage.Russian ? "ru" : "en") + "\r\nVary: Accept-Language\r\n");
            default:
                return Response(404, "text/plain; charset=utf-8", "not found: try / or /status.json\n"u8.ToArray());
        }
    }

    private static ViewLanguage? QueryLanguage(string query)
    {
        foreach (var pair in query.Split('&'))
        {
            if (pair == "lang=ru") return ViewLanguage.Russian;
            if (pair == "lang=en") return ViewLanguage.English;
        }
        return null;
    }

    private static byte[] Response(int code, string contentType, byte[] body, string extraHeaders = "")
    {
        var reason = code switch { 200 => "OK", 400 => "Bad Request", 404 => "Not Found", _ => "Method Not Allowed" };
        // No caching (the state changes), no sniffing, no framing, nothing loaded from elsewhere.
        var head = $"HTTP/1.1 {code} {reason}\r\nContent-Type: {contentType}\r\nContent-Length: {body.Length}\r\n" +
            "Cache-Control: no-store\r\nX-Content-Type-Options: nosniff\r\nX-Frame-Options: DENY\r\nReferrer-Policy: no-referrer\r\n" +
            "Content-Security-Policy: default-src 'none'; style-src 'unsafe-inline'; script-src 'self'; connect-src 'self'; frame-ancestors 'none'\r\n" +
            extraHeaders + "Connection: close\r\n\r\n";
        var bytes = new byte[Encoding.ASCII.GetByteCount(head) + body.Length];
        var n = Encoding.ASCII.GetBytes(head, bytes);
        body.CopyTo(bytes, n);
        return bytes;
    }

    private static byte[] HeadOnly(byte[] response)
    {
        var end = response.AsSpan().IndexOf("\r\n\r\n"u8);
        return response[..(end + 4)];
    }

    private static async Task<HttpRequestLine?> ReadRequestAsync(Socket client, CancellationToken cancellationToken)
    {
        var buffer = new byte[MaxRequestBytes];
        var length = 0;
        while (length < buffer.Length)
        {
            var n = await client.ReceiveAsync(buffer.AsMemory(length), SocketFlags.None, cancellationToken).ConfigureAwait(false);
            if (n == 0) break;
            length += n;
            if (buffer.AsSpan(0, length).IndexOf("\r\n\r\n"u8) >= 0) return HttpRequestLine.Parse(Encoding.Latin1.GetString(buffer, 0, length));
        }
        return null;
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync().ConfigureAwait(false);
        foreach (var (socket, loop) in _listeners)
        {
            socket.Dispose();
            await loop.ConfigureAwait(false);
        }
        _listeners.Clear();
        if (_socketPath is not null)
        {
            try
            {
                File.Delete(_socketPath);
            }
            catch (IOException)
            {
                // Gone already.
            }
        }
        _stop.Dispose();
    }
}

/// <summary>The little of an HTTP/1.1 request the endpoint needs (RFC 9112 §3: request-line; RFC 9110 §12.5.4: Accept-Language).</summary>
internal sealed record HttpRequestLine(string Method, string Target, string? AcceptLanguage)
{
    public static HttpRequestLine? Parse(string head)
    {
        var lines = head.Split("\r\n");
        var parts = lines[0].Split(' ');
        if (parts.Length != 3 || !parts[2].StartsWith("HTTP/1.", StringComparison.Ordinal) || !parts[1].StartsWith('/')) return null;
        string? language = null;
        foreach (var line in lines.Skip(1))
        {
            var colon = line.IndexOf(':');
            if (colon > 0 && line.AsSpan(0, colon).Trim().Equals("Accept-Language", StringComparison.OrdinalIgnoreCase)) language = line[(colon + 1)..].Trim();
        }
        return new HttpRequestLine(parts[0], parts[1], language);
    }
}
