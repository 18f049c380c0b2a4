using System.Text.Json;
using System.Text.RegularExpressions;
using EdgeLab.Instruments.Transport;

namespace EdgeLab.Gateway.Configuration;

/// <summary>
/// Checks a configuration document against firmware-config/gateway.schema.json (the same rules, written in C#) and
/// the few things a schema cannot say: instrument ids unique, the time zone known, serial lines complete.
/// Every error names the field, e.g. <c>instruments[1].transport.port: must be 1..65535 (got 70000)</c>.
/// </summary>
internal static partial class GatewayConfigValidator
{
    private static readonly string[] TopLevel = ["configVersion", "gatewayId", "organizationId", "timeZone", "dataDirectory", "profilesDirectory", "outbox", "mqtt", "management", "instruments", "scanners", "statusPage", "gpio"];
    private static readonly string[] TopRequired = ["gatewayId", "dataDirectory", "mqtt"];
    private static readonly string[] OutboxFields = ["maxRows", "maxBytes", "transcriptRetentionDays", "ackTimeoutSeconds", "maxInFlight", "repeatWindowMinutes", "repeatWindowMessages"];
    private static readonly string[] MqttFields = ["host", "port", "keepAliveSeconds", "username", "passwordFile", "tls"];
    private static readonly string[] MqttRequired = ["host"];
    private static readonly string[] TlsFields = ["ca", "cert", "key", "renewBeforeDays"];
    private static readonly string[] TlsRequired = ["ca"];
    private static readonly string[] ManagementFields = ["heartbeatSeconds", "configApplyTimeoutSeconds", "rebootCommand"];
    private static readonly string[] InstrumentFields = ["id", "profile", "enabled", "transport"];
    private static readonly string[] InstrumentRequired = ["id", "profile", "transport"];
    private static readonly string[] TransportFields = ["type", "path", "baud", "dataBits", "parity", "stopBits", "flowControl", "host", "port"];
    private static readonly string[] TransportRequired = ["type"];
    private static readonly string[] TransportTypes = [TransportConfig.Serial, TransportConfig.TcpClient, TransportConfig.TcpServer];
    private static readonly string[] Parities = ["none", "even", "odd"];
    private static readonly string[] FlowControls = ["none", "rts-cts", "xon-xoff"];
    private static readonly string[] ScannerFields = ["id", "type", "path", "station", "layout", "baud"];
    private static readonly string[] ScannerRequired = ["id", "type", "path"];
    private static readonly string[] ScannerTypes = ["serial", "evdev"];

    public static IReadOnlyList<string> Validate(JsonElement root)
    {
        var c = new JsonFieldChecker();
        if (!c.Object(root, "", TopLevel, TopRequired)) return c.Errors;
        c.Integer(root, "", "configVersion", 0, long.MaxValue);
        c.String(root, "", "gatewayId", pattern: GatewayIdPattern(), patternText: "[a-z0-9-]{3,64}");
        c.String(root, "", "organizationId", minLength: 1);
        var tz = c.String(root, "", "timeZone", minLength: 1);
        if (tz is { Length: > 0 } && !TimeZoneInfo.TryFindSystemTimeZoneById(tz, out _))
            c.Add("timeZone", $"\"{tz}\" is not a known IANA time zone (e.g. Asia/Tomsk, Europe/Moscow, UTC)");
        c.String(root, "", "dataDirectory", minLength: 1);
        c.String(root, "", "profilesDirectory", minLength: 1);

        if (c.Member(root, "outbox") is { } outbox && c.Object(outbox, "outbox", OutboxFields, []))
        {
            c.Integer(outbox, "outbox", "maxRows", 1, long.MaxValue);
            c.Integer(outbox, "outbox", "maxBytes", 1024 * 1024, long.MaxValue);
            c.Integer(outbox, "outbox", "transcriptRetentionDays", 0, 3650);
            c.Integer(outbox, "outbox", "ackTimeoutSeconds", 1, 86400);
            c.Integer(outbox, "outbox", "maxInFlight", 1, 65535);
            c.Integer(outbox, "outbox", "repeatWindowMinutes", 0, 7 * 24 * 60);
            c.Integer(outbox, "outbox", "repeatWindowMessages", 1, 1_000_000);
        }
        if (c.Member(root, "mqtt") is { } mqtt && c.Object(mqtt, "mqtt", MqttFields, MqttRequired))
        {
            c.String(mqtt, "mqtt", "host", minLength: 1);
            c.Integer(mqtt, "mqtt", "port", 1, 65535);
            c.Integer(mqtt, "mqtt", "keepAliveSeconds", 0, 65535);
            c.String(mqtt, "mqtt", "username", minLength: 1);
            c.String(mqtt, "mqtt", "passwordFile", minLength: 1);
            if (c.Member(mqtt, "tls") is { } tls && c.Object(tls, "mqtt.tls", TlsFields, TlsRequired))
            {
                c.String(tls, "mqtt.tls", "ca", minLength: 1);
                var cert = c.String(tls, "mqtt.tls", "cert", minLength: 1);
                var key = c.String(tls, "mqtt.tls", "key", minLength: 1);
                if ((cert is null) != (key is null))
                    c.Add(cert is null ? "mqtt.tls.cert" : "mqtt.tls.key", "cert and key go together: set both or neither");
                c.Integer(tls, "mqtt.tls", "renewBeforeDays", 0, 3650);
            }
        }
        if (c.Member(root, "management") is { } mgmt && c.Object(mgmt, "management", ManagementFields, []))
        {
            c.Integer(mgmt, "management", "heartbeatSeconds", 1, 3600);
            c.Integer(mgmt, "management", "configApplyTimeoutSeconds", 1, 3600);
            c.String(mgmt, "management", "rebootCommand", minLength: 1);
        }
        ValidateTechnician(c, root);
        // Scanners and instruments share one id space: both appear as links in the status and as event sources.
        var ids = new HashSet<string>(StringComparer.Ordinal);
        if (c.Array(root, "", "instruments") is { } instruments)
            ValidateInstruments(c, instruments, ids);
        if (c.Array(root, "", "scanners") is { } scanners)
        {
            var i = 0;
            foreach (var s in scanners.EnumerateArray())
            {
                var path = $"scanners[{i++}]";
                if (!c.Object(s, path, ScannerFields, ScannerRequired)) continue;
                var id = c.String(s, path, "id", pattern: ItemIdPattern(), patternText: "[A-Za-z0-9._-]{1,64}");
                if (id is not null && !ids.Add(id)) c.Add($"{path}.id", $"\"{id}\" is used by another instrument or scanner: ids must be unique");
                c.String(s, path, "type", oneOf: ScannerTypes);
                c.String(s, path, "path", minLength: 1);
                c.String(s, path, "station", minLength: 1);
                var layout = c.String(s, path, "layout", minLength: 1);
                if (layout is { Length: > 0 } && !IsKnownLayout(layout))
                    c.Add($"{path}.layout", $"\"{layout}\" is not a known keyboard layout: use us or ru");
                Baud(c, s, path);
            }
        }
        return c.Errors;
    }

    private static bool IsKnownLayout(string layout)
    {
        try
        {
            _ = EdgeLab.Instruments.Scanner.KeyboardLayout.ByName(layout);
            return true;
        }
        catch (ArgumentException)
        {
            return false;
        }
    }

    private static void ValidateInstruments(JsonFieldChecker c, JsonElement instruments, HashSet<string> ids)
    {
        var i = 0;
        foreach (var inst in instruments.EnumerateArray())
        {
            var path = $"instruments[{i++}]";
            if (!c.Object(inst, path, InstrumentFields, InstrumentRequired)) continue;
            var id = c.String(inst, path, "id", pattern: ItemIdPattern(), patternText: "[A-Za-z0-9._-]{1,64}");
            if (id is not null && !ids.Add(id)) c.Add($"{path}.id", $"\"{id}\" is used by another instrument: ids must be unique");
            c.String(inst, path, "profile", pattern: ItemIdPattern(), patternText: "[A-Za-z0-9._-]{1,64}");
            c.Boolean(inst, path, "enabled");
            if (c.Member(inst, "transport") is not { } t) continue;
            var tp = $"{path}.transport";
            if (!c.Object(t, tp, TransportFields, TransportRequired)) continue;
            var type = c.String(t, tp, "type", oneOf: TransportTypes);
            c.String(t, tp, "path", minLength: 1);
            if (t.TryGetProperty("baud", out var baud) && baud.ValueKind == JsonValueKind.String)
                AutoBaud(c, t, baud, tp, type);
            else
                Baud(c, t, tp);
            var dataBits = c.Integer(t, tp, "dataBits", 7, 8);
            c.String(t, tp, "parity", oneOf: Parities);
            c.Integer(t, tp, "stopBits", 1, 2);
            c.String(t, tp, "flowControl", oneOf: FlowControls);
            c.String(t, tp, "host", minLength: 1);
            c.Integer(t, tp, "port", 1, 65535);
            _ = dataBits;
            switch (type)
            {
                case TransportConfig.Serial when !t.TryGetProperty("path", out _):
                    c.Add($"{tp}.path", "is required for a serial transport (e.g. /dev/serial/by-id/usb-FTDI_…)");
                    break;
                case TransportConfig.TcpClient:
                    if (!t.TryGetProperty("host", out _)) c.Add($"{tp}.host", "is required for a tcp-client transport (the analyzer's address)");
                    if (!t.TryGetProperty("port", out _)) c.Add($"{tp}.port", "is required for a tcp-client transport");
                    break;
                case TransportConfig.TcpServer when !t.TryGetProperty("port", out _):
                    c.Add($"{tp}.port", "is required for a tcp-server transport (the port the analyzer connects to)");
                    break;
            }
        }
    }

    /// <summary><c>"baud": "auto"</c>: serial only, and the framing is detected too, so it must not be set beside it.</summary>
    private static void AutoBaud(JsonFieldChecker c, JsonElement transport, JsonElement baud, string path, string? type)
    {
        if (baud.GetString() != "auto")
        {
            c.Add($"{path}.baud", $"must be a rate ({KernelTermios2.MinimumBaud}..{KernelTermios2.MaximumBaud}, e.g. 9600) or \"auto\" (got \"{baud.GetString()}\")");
            return;
        }
        if (type is not null && type != TransportConfig.Serial)
            c.Add($"{path}.baud", $"\"auto\" is for a serial transport only (this one is {type})");
        // The defaults (8, none, 1) are tolerated: a configuration written back by the gateway carries them.
        foreach (var (framing, tolerated) in new[] { ("dataBits", "8"), ("parity", "none"), ("stopBits", "1") })
        {
            if (transport.TryGetProperty(framing, out var v) && (v.ValueKind is JsonValueKind.String ? v.GetString() : v.GetRawText()) != tolerated)
                c.Add($"{path}.{framing}", "is detected with \"baud\": \"auto\" (8N1, 7E1 or 7O1): leave it out, or set baud to a rate");
        }
    }

    private static void Baud(JsonFieldChecker c, JsonElement obj, string path)
    {
        // Any rate the termios2 transport can set with BOTHER (SerialPortSettings.Validate), e.g. 250000.
        c.Integer(obj, path, "baud", KernelTermios2.MinimumBaud, KernelTermios2.MaximumBaud);
    }

    [GeneratedRegex("^[a-z0-9-]{3,64}$")]
    private static partial Regex GatewayIdPattern();

    [GeneratedRegex("^[A-Za-z0-9._-]{1,64}$")]
    private static partial Regex ItemIdPattern();
}
