using System.Globalization;
using System.Security.Cryptography;
using System.Text.RegularExpressions;

namespace EdgeLab.Contract;

/// <summary>
/// The stable id of an uplink message: gateway id + outbox epoch + outbox sequence, <c>{gatewayId}:{epoch}:{sequence}</c>
/// (DESIGN.md guarantee 2). The epoch is random, made when the gateway's outbox database is created, so a reinstalled
/// gateway (new store, sequence back at 1, same gateway id) never reuses an id the hub has already processed.
/// It travels in the payload and in the MQTT user property <see cref="UserPropertyName"/>; the hub records processed ids
/// in the same transaction as the data, so a resend changes nothing.
/// </summary>
/// <remarks>
/// The old form <c>{gatewayId}:{sequence}</c> (gateways from before epochs) still parses, with <see cref="Epoch"/> null:
/// it costs one branch, and rows already waiting in an upgraded gateway's outbox carry it.
/// </remarks>
public readonly partial record struct MessageId(string GatewayId, string? Epoch, long Sequence)
{
    public const string UserPropertyName = "message-id";

    /// <summary>Characters of an epoch: 64 random bits as lowercase hex.</summary>
    public const int EpochLength = 16;

    /// <summary>An id in the old form, without an epoch.</summary>
    public MessageId(string gatewayId, long sequence)
        : this(gatewayId, null, sequence)
    {
    }

    /// <summary>A fresh random epoch for a newly created outbox.</summary>
    public static string NewEpoch() => Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(EpochLength / 2));

    public static bool IsValidEpoch(string? epoch) => epoch is not null && EpochPattern().IsMatch(epoch);

    public override string ToString() => Epoch is null
        ? string.Create(CultureInfo.InvariantCulture, $"{GatewayId}:{Sequence}")
        : string.Create(CultureInfo.InvariantCulture, $"{GatewayId}:{Epoch}:{Sequence}");

    public static bool TryParse(string? text, out MessageId id)
    {
        id = default;
        if (string.IsNullOrEmpty(text)) return false;
        var colon = text.LastIndexOf(':');
        if (colon <= 0) return false;
        if (!long.TryParse(text.AsSpan(colon + 1), NumberStyles.None, CultureInfo.InvariantCulture, out var seq) || seq <= 0) return false;
        var head = text[..colon];
        string? epoch = null;
        var second = head.LastIndexOf(':');
        if (second >= 0)
        {
            epoch = head[(second + 1)..];
            head = head[..second];
            if (!IsValidEpoch(epoch)) return false;
        }
        if (!Topics.IsValidGatewayId(head)) return false;
        id = new MessageId(head, epoch, seq);
        return true;
    }

    [GeneratedRegex("^[0-9a-f]{16}$")]
    private static partial Regex EpochPattern();
}
