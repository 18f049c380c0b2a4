using System.CommandLine;
using System.Net.Sockets;
using System.Text;
using System.Text.Json;
using EdgeLab.Gateway.Configuration;
using EdgeLab.Gateway.LocalStatus;

namespace EdgeLab.Gateway.Cli;

/// <summary>
/// <c>edgelab-gateway status [--config FILE] [--json] [--lang ru|en]</c>: asks the running gateway (over the status
/// socket in its data directory) how each instrument, the outbox and the hub link are, and prints it in a technician's
/// words, or as JSON. Exit codes (README "Status"): 0 all well, 1 something needs attention, 2 the configuration cannot
/// be read, 3 the gateway is not running, 4 critical (the analyzers are being refused).
/// </summary>
internal static class StatusCommand
{
    public const string DefaultConfigPath = "/etc/edgelab/gateway.json";
    public const int Ok = 0;
    public const int Attention = 1;
    public const int ConfigError = 2;
    public const int NotRunning = 3;
    public const int Critical = 4;

    public static Command Create()
    {
        var config = new Option<FileInfo>("--config", "-c")
        {
            Description = $"The gateway's configuration file (default {DefaultConfigPath}); its data directory holds the status socket",
            DefaultValueFactory = _ => new FileInfo(DefaultConfigPath),
        };
        var json = new Option<bool>("--json") { Description = "Print the status document as JSON (no patient data) instead of words" };
        var lang = new Option<string?>("--lang") { Description = "ru or en (default: from LANG)" };
        lang.AcceptOnlyFromAmong("ru", "en");
        var command = new Command("status", "Show the running gateway's instruments, outbox and hub link in plain words, with what to do")
        {
            config,
            json,
            lang,
        };
        command.SetAction((parse, cancellationToken) => RunAsync(parse.GetValue(config)!, parse.GetValue(json), parse.GetValue(lang),
            parse.InvocationConfiguration.Output, parse.InvocationConfiguration.Error, cancellationToken));
        return command;
    }

    public static async Task<int> RunAsync(FileInfo configFile, bool asJson, string? lang, TextWriter output, TextWriter error, CancellationToken cancellationToken)
    {
        GatewayConfig config;
        try
        {
            config = GatewayConfigLoader.LoadFile(configFile.FullName);
        }
        catch (GatewayConfigException ex)
        {
            await error.WriteLineAsync(ex.Message).ConfigureAwait(false);
            return ConfigError;
        }
        var language = lang is not null ? TechnicianAdvice.Choose(lang) : TechnicianAdvice.Choose(LanguageFromEnvironment());
        var socket = StatusEndpoint.SocketPath(config.DataDirectory);
        byte[] body;
        try
        {
            body = await FetchAsync(socket, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is SocketException or IOException or OperationCanceledException)
        {
            await error.WriteLineAsync(language == ViewLanguage.Russian
                ? $"Шлюз {config.GatewayId} не запущен (нет ответа на {socket}). Запустите его: systemctl start edgelab-gateway; если не запускается — journalctl -u edgelab-gateway."
                : $"The gateway {config.GatewayId} is not running (no answer on {socket}). Start it: systemctl start edgelab-gateway; if it does not start, see journalctl -u edgelab-gateway.")
                .ConfigureAwait(false);
            return NotRunning;
        }
        GatewayLocalStatus? status;
        try
        {
            status = JsonSerializer.Deserialize(body, LocalStatusJson.Default.GatewayLocalStatus);
        }
        catch (JsonException ex)
        {
            await error.WriteLineAsync($"The gateway answered on {socket} with something that is not its status ({ex.Message}); is it another version?").ConfigureAwait(false);
            return NotRunning;
        }
        if (status is null) return NotRunning;
        if (asJson) await output.WriteLineAsync(Encoding.UTF8.GetString(body)).ConfigureAwait(false);
        else await output.WriteAsync(StatusText.Render(status, new TechnicianAdvice(language, Zone(status.TimeZone), status.At))).ConfigureAwait(false);
        return status.Health switch { Health.Ok => Ok, Health.Attention => Attention, _ => Critical };
    }

    /// <summary>LC_ALL, then LC_MESSAGES, then LANG (POSIX precedence), as <c>ru_RU.UTF-8</c> → ru.</summary>
    private static string? LanguageFromEnvironment()
    {
        foreach (var name in (string[])["LC_ALL", "LC_MESSAGES", "LANG"])
            if (Environment.GetEnvironmentVariable(name) is { Length: > 0 } value) return value.Split('.')[0];
        return null;
    }

    private static TimeZoneInfo Zone(string id) => TimeZoneInfo.TryFindSystemTimeZoneById(id, out var zone) ? zone : TimeZoneInfo.Utc;

    /// <summary>One HTTP/1.1 GET of <c>/status.json</c> over the unix socket; the endpoint closes after answering.</summary>
    private static async Task<byte[]> FetchAsync(string socketPath, CancellationToken cancellationToken)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(TimeSpan.FromSeconds(10));
        using var socket = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        await socket.ConnectAsync(new UnixDomainSocketEndPoint(socketPath), timeout.Token).ConfigureAwait(false);
        await socket.SendAsync("GET /status.json HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n"u8.ToArray(), SocketFlags.None, timeout.Token).ConfigureAwait(false);
        using var all = new MemoryStream();
        var buffer = new byte[16384];
        int n;
        while ((n = await socket.ReceiveAsync(buffer, SocketFlags.None, timeout.Token).ConfigureAwait(false)) > 0) all.Write(buffer, 0, n);
        var response = all.ToArray();
        var end = response.AsSpan().IndexOf("\r\n\r\n"u8);
        if (end < 0 || !response.AsSpan().StartsWith("HTTP/1.1 200"u8)) throw new IOException("the status socket did not answer with the status");
        return response[(end + 4)..];
    }
}
