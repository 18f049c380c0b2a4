using System.Text.Json;

namespace EdgeLab.Contract;

/// <summary>
/// <c>…/cmd</c> (hub → gw): a command; the reply goes to <c>…/cmd-reply</c> with the request's MQTT 5
/// correlation data.
/// </summary>
public sealed record CommandMessage
{
    public string Schema { get; init; } = Schemas.Command;
    /// <summary>One of <see cref="CommandNames"/>.</summary>
    public required string Name { get; init; }
    public IReadOnlyDictionary<string, string> Args { get; init; } = new Dictionary<string, string>();
}

public static class CommandNames
{
    public const string Ping = "ping";
    public const string Restart = "restart";
    public const string FetchLogs = "fetch-logs";
    public const string Resend = "resend";
    public const string Update = "update";
    /// <summary>Forget an auto-detected instrument's rate and profile (args.instrumentId) and restart, so it is detected again.</summary>
    public const string Redetect = "redetect";
    /// <summary>Make a new key and ask the hub for a certificate for it on <c>…/cert-request</c> now (issue 12 §1), whatever the renewal window says.</summary>
    public const string RenewCertificate = "renew-certificate";
    /// <summary>Reboot the box: the gateway answers first, then runs its configured reboot command line (issue 12 §5).</summary>
    public const string Reboot = "reboot";
}

public sealed record CommandReplyMessage
{
    public string Schema { get; init; } = Schemas.CommandReply;
    public required string GatewayId { get; init; }
    public required string Name { get; init; }
    public required bool Ok { get; init; }
    public string? Text { get; init; }
    public IReadOnlyDictionary<string, string> Data { get; init; } = new Dictionary<string, string>();
}

/// <summary><c>…/config</c> (hub → gw, retained): the desired gateway configuration, versioned.</summary>
public sealed record ConfigMessage
{
    public string Schema { get; init; } = Schemas.Config;
    public required long Version { get; init; }
    /// <summary>The gateway configuration document (firmware-config/gateway.schema.json).</summary>
    public required JsonElement Document { get; init; }
}
