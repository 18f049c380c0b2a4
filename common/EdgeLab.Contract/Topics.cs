using System.Text.RegularExpressions;

namespace EdgeLab.Contract;

/// <summary>
/// The MQTT topic tree of the wire contract (DESIGN.md, "Wire contract"): every gateway owns the subtree
/// <c>edgelab/v1/gw/{gatewayId}/…</c>, and the broker's ACL confines each device to its own subtree.
/// </summary>
public static partial class Topics
{
    public const string Root = "edgelab/v1/gw";

    /// <summary>Shared-subscription group of the hub nodes ([MQTT-4.8.2]): members split the load round-robin.</summary>
    public const string HubShareGroup = "hub";

    public static string Results(string gatewayId) => $"{Root}/{gatewayId}/results";

    /// <summary>
    /// STAT (emergency) results, issue 10: a topic of their own so the hub can read them on a session of their own. A
    /// broker delivers one session's messages in order behind everything in flight to it, and the hub acks only after
    /// its commit, so on the shared <c>…/results</c> session a STAT waits behind the routine backlog's Receive Maximum
    /// window ([MQTT-3.3.4-9], MQTT 5.0 §4.9). Hubs keep reading STAT on <c>…/results</c> from gateways that predate it.
    /// </summary>
    public static string StatResults(string gatewayId) => $"{Root}/{gatewayId}/{StatResultsLeaf}";

    /// <summary>The leaf of <see cref="StatResults"/>, the only two-level leaf of the tree.</summary>
    public const string StatResultsLeaf = "results/stat";
    public static string Events(string gatewayId) => $"{Root}/{gatewayId}/events";
    public static string Status(string gatewayId) => $"{Root}/{gatewayId}/status";
    public static string Ack(string gatewayId) => $"{Root}/{gatewayId}/ack";
    public static string Orders(string gatewayId) => $"{Root}/{gatewayId}/orders";
    public static string Config(string gatewayId) => $"{Root}/{gatewayId}/config";
    public static string Command(string gatewayId) => $"{Root}/{gatewayId}/cmd";
    public static string CommandReply(string gatewayId) => $"{Root}/{gatewayId}/cmd-reply";
    /// <summary>Gateway → hub: a PKCS#10 request for the gateway's next client certificate (issue 12 §1, renewal over MQTT).</summary>
    public static string CertificateRequest(string gatewayId) => $"{Root}/{gatewayId}/cert-request";
    /// <summary>Hub → gateway: the signed certificate (or the refusal) answering a <see cref="CertificateRequest"/>.</summary>
    public static string Certificate(string gatewayId) => $"{Root}/{gatewayId}/cert";

    /// <summary>The filter a hub node subscribes with for one leaf of every gateway, e.g. <c>$share/hub/edgelab/v1/gw/+/results</c>.</summary>
    public static string SharedAllGateways(string leaf) => $"$share/{HubShareGroup}/{Root}/+/{leaf}";

    /// <summary>Gateway ids are <c>[a-z0-9-]{3,64}</c> (DESIGN.md), so they are safe in topics, file names and logs.</summary>
    public static bool IsValidGatewayId(string? gatewayId) => gatewayId is not null && GatewayIdPattern().IsMatch(gatewayId);

    /// <summary>Splits <c>edgelab/v1/gw/{id}/{leaf}</c> (the leaf may be <see cref="StatResultsLeaf"/>); false for anything else.</summary>
    public static bool TryParse(string topic, out string gatewayId, out string leaf)
    {
        gatewayId = leaf = "";
        const string prefix = Root + "/";
        if (!topic.StartsWith(prefix, StringComparison.Ordinal)) return false;
        var rest = topic.AsSpan(prefix.Length);
        var slash = rest.IndexOf('/');
        if (slash <= 0) return false;
        var after = rest[(slash + 1)..];
        if (after.Contains('/') && !after.SequenceEqual(StatResultsLeaf)) return false;
        var id = rest[..slash].ToString();
        if (!IsValidGatewayId(id)) return false;
        gatewayId = id;
        leaf = after.ToString();
        return leaf.Length > 0;
    }

    [GeneratedRegex("^[a-z0-9-]{3,64}$")]
    private static partial Regex GatewayIdPattern();
}
