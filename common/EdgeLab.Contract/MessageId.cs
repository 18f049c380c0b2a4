using System.Globalization;

namespace EdgeLab.Contract;

/// <summary>
/// The stable id of an uplink message: gateway id + outbox sequence (DESIGN.md guarantee 2).
/// It travels in the payload and in the MQTT user property <see cref="UserPropertyName"/>; the hub records
/// processed ids in the same transaction as the data, so a resend changes nothing.
/// </summary>
public readonly record struct MessageId(string GatewayId, long Sequence)
{
    public const string UserPropertyName = "message-id";

    public override string ToString() => string.Create(CultureInfo.InvariantCulture, $"{GatewayId}:{Sequence}");

    public static bool TryParse(string? text, out MessageId id)
    {
        id = default;
        if (string.IsNullOrEmpty(text)) return false;
        var colon = text.LastIndexOf(':');
        if (colon <= 0) return false;
        var gw = text[..colon];
        if (!Topics.IsValidGatewayId(gw)) return false;
        if (!long.TryParse(text.AsSpan(colon + 1), NumberStyles.None, CultureInfo.InvariantCulture, out var seq) || seq <= 0) return false;
        id = new MessageId(gw, seq);
        return true;
    }
}
