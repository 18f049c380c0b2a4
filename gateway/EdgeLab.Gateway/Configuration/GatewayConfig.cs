namespace EdgeLab.Gateway.Configuration;

/// <summary>
/// The gateway's one configuration file (firmware-config/gateway.schema.json). Read at start and replaced by the hub's
/// <c>…/config</c> document; <see cref="GatewayConfigValidator"/> checks it field by field before anything uses it.
/// </summary>
internal sealed record GatewayConfig
{
    /// <summary>Version of this document; the hub bumps it on every change and the status reports it.</summary>
    public long ConfigVersion { get; init; }
    public required string GatewayId { get; init; }
    public string? OrganizationId { get; init; }
    /// <summary>IANA id of the site's time zone (e.g. <c>Asia/Tomsk</c>); analyzer times are local to it.</summary>
    public string TimeZone { get; set; } = "UTC";
    public required string DataDirectory { get; init; }
    public string? ProfilesDirectory { get; init; }
    public OutboxConfig Outbox { get; set; } = new();
    public required MqttConfig Mqtt { get; init; }
    public ManagementConfig Management { get; set; } = new();
    public IReadOnlyList<InstrumentConfig> Instruments { get; set; } = [];
    public IReadOnlyList<ScannerConfig> Scanners { get; set; } = [];
    /// <summary>The local status page; <c>null</c> = off. Written even when null: left out, it would read back as on.</summary>
    [System.Text.Json.Serialization.JsonIgnore(Condition = System.Text.Json.Serialization.JsonIgnoreCondition.Never)]
    public StatusPageConfig? StatusPage { get; set; } = new();
    /// <summary>Status LED, buzzer and button on GPIO; <c>null</c> (default) = none.</summary>
    public GpioConfig? Gpio { get; set; }
}

internal sealed record OutboxConfig
{
    /// <summary>Unsent rows at which the gateway stops accepting (the analyzer keeps its data and retries).</summary>
    public long MaxRows { get; set; } = 1_000_000;
    /// <summary>Unsent bytes (payload + raw transcript) at which the gateway stops accepting.</summary>
    public long MaxBytes { get; set; } = 2L * 1024 * 1024 * 1024;
    /// <summary>How long a raw transcript is kept after the hub acknowledged its message (audit, re-decoding).</summary>
    public int TranscriptRetentionDays { get; set; } = 90;
    /// <summary>An identical message from the same instrument within this many minutes is a repeat: ACKed, not stored again.</summary>
    public int RepeatWindowMinutes { get; set; } = 60;
    /// <summary>…and among that instrument's last this many messages.</summary>
    public int RepeatWindowMessages { get; set; } = 1000;
    /// <summary>A published message the hub has not acknowledged within this time is sent again.</summary>
    public int AckTimeoutSeconds { get; set; } = 60;
    /// <summary>Messages published and not yet acknowledged by the hub, at most.</summary>
    public int MaxInFlight { get; set; } = 2000;
}

internal sealed record MqttConfig
{
    public required string Host { get; init; }
    public int Port { get; set; } = 1883;
    public int KeepAliveSeconds { get; set; } = 30;
    /// <summary>User name at the broker; defaults to the gateway id (the broker's ACL confines that user to its subtree).</summary>
    public string? Username { get; init; }
    /// <summary>File holding the broker password (one line). No anonymous connections anywhere (issue 9).</summary>
    public string? PasswordFile { get; init; }
    public MqttTlsConfig? Tls { get; init; }
}

internal sealed record MqttTlsConfig
{
    /// <summary>PEM file of the CA that signed the broker's certificate.</summary>
    public required string Ca { get; init; }
    /// <summary>PEM file of the device certificate (its identity at the broker).</summary>
    public string? Cert { get; init; }
    /// <summary>PEM file of the device's private key.</summary>
    public string? Key { get; init; }
    /// <summary>Ask the hub for a new certificate this many days before the current one's notAfter (issue 12 §1).</summary>
    public int RenewBeforeDays { get; set; } = 30;
}

internal sealed record ManagementConfig
{
    public int HeartbeatSeconds { get; set; } = 30;
    /// <summary>After a configuration from the hub is applied, instruments that were up must be up again within this time, or it is rolled back.</summary>
    public int ConfigApplyTimeoutSeconds { get; set; } = 60;
    /// <summary>Run after the hub's <c>reboot</c> command was answered (issue 12 §5): program and arguments separated by spaces, no quoting.</summary>
    public string RebootCommand { get; set; } = "systemctl reboot";
}

internal sealed record InstrumentConfig
{
    /// <summary>The gateway's name for the instrument, unique per gateway, e.g. <c>xn-550-1</c>.</summary>
    public required string Id { get; init; }
    /// <summary>Auto-detection: the model is named by the first message's header (H.5 or MSH-3/4).</summary>
    public const string AutoProfile = "auto";

    /// <summary>
    /// Dialect profile (file name in the profiles directory without extension), e.g. <c>sysmex-xn</c>, or
    /// <c>auto</c> to pick it from the first message (gateway/ARCHITECTURE.md "Auto-detection").
    /// </summary>
    public required string Profile { get; init; }

    [System.Text.Json.Serialization.JsonIgnore]
    public bool DetectsProfile => Profile == AutoProfile;
    public bool Enabled { get; set; } = true;
    public required TransportConfig Transport { get; init; }
}

internal sealed record TransportConfig
{
    public const string Serial = "serial";
    public const string TcpClient = "tcp-client";
    public const string TcpServer = "tcp-server";

    /// <summary><c>serial</c>, <c>tcp-client</c> or <c>tcp-server</c>.</summary>
    public required string Type { get; init; }
    /// <summary><see cref="Baud"/> for <c>"baud": "auto"</c>: listen at the usual rates and framings, pick the one that makes sense.</summary>
    public const int AutoBaud = 0;

    public string? Path { get; init; }
    /// <summary>Rate, or <see cref="AutoBaud"/> (written <c>"auto"</c> in the file).</summary>
    [System.Text.Json.Serialization.JsonConverter(typeof(BaudJsonConverter))]
    public int Baud { get; set; } = 9600;

    [System.Text.Json.Serialization.JsonIgnore]
    public bool DetectsBaud => Type == Serial && Baud == AutoBaud;
    public int DataBits { get; set; } = 8;
    /// <summary><c>none</c>, <c>even</c> or <c>odd</c>.</summary>
    public string Parity { get; set; } = "none";
    public int StopBits { get; set; } = 1;
    /// <summary><c>none</c>, <c>rts-cts</c> or <c>xon-xoff</c>.</summary>
    public string FlowControl { get; set; } = "none";
    public string? Host { get; init; }
    public int? Port { get; init; }
}

internal sealed record ScannerConfig
{
    public required string Id { get; init; }
    /// <summary><c>serial</c> or <c>evdev</c> (USB HID keyboard scanner).</summary>
    public required string Type { get; init; }
    public required string Path { get; init; }
    /// <summary>Where the scanner stands (reception, a bench), reported with each scan.</summary>
    public string? Station { get; init; }
    /// <summary>Keyboard layout of an evdev scanner, e.g. <c>us</c>.</summary>
    public string Layout { get; set; } = "us";
    public int Baud { get; set; } = 9600;
}
