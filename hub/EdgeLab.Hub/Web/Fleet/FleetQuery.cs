using System.Globalization;
using EdgeLab.Hub.Domain;
using EdgeLab.Hub.Store.Fleet;

namespace EdgeLab.Hub.Web.Fleet;

/// <summary>The console's sort columns (the <c>sort</c> query parameter).</summary>
internal enum FleetSort
{
    Id,
    Facility,
    Lab,
    Presence,
    Outbox,
    OldestUnsent,
    Certificate,
    Alerts,
}

/// <summary>
/// The fleet console's filters, sort and page, all in the query string (so a filtered view is a link to share and the
/// browser's back button works): <c>facility</c>, <c>lab</c>, <c>state</c> (online, offline, never-seen, pending,
/// disabled, revoked, drift), <c>alerts=open</c>, <c>q</c> (part of a gateway id), <c>sort</c>, <c>dir</c>, <c>page</c>.
/// Unknown values are ignored (the page then shows all), never an error page. Pure: tested without a host.
/// </summary>
internal sealed record FleetQuery
{
    public const int PageSize = 50;
    public static readonly IReadOnlyList<string> States = ["online", "offline", "never-seen", "pending", "disabled", "revoked", "drift"];

    public string? Facility { get; init; }
    public string? Lab { get; init; }
    public string? State { get; init; }
    public bool OpenAlertsOnly { get; init; }
    public string? Text { get; init; }
    public FleetSort Sort { get; init; } = FleetSort.Id;
    public bool Descending { get; init; }
    public int Page { get; init; } = 1;

    public static FleetQuery From(string? facility, string? lab, string? state, string? alerts, string? q, string? sort, string? dir, int? page) => new()
    {
        Facility = Clean(facility),
        Lab = Clean(lab),
        State = States.Contains(state) ? state : null,
        OpenAlertsOnly = alerts == "open",
        Text = Clean(q)?.ToLowerInvariant(),
        Sort = Enum.TryParse<FleetSort>(sort, ignoreCase: true, out var s) && Enum.IsDefined(s) ? s : FleetSort.Id,
        Descending = dir == "desc",
        Page = page is > 0 ? page.Value : 1,
    };

    /// <summary>The gateways this query shows, sorted, and how many matched in all.</summary>
    public (IReadOnlyList<FleetGateway> Rows, int Total) Apply(IEnumerable<FleetGateway> fleet)
    {
        var matched = fleet.Where(Matches).ToList();
        IEnumerable<FleetGateway> sorted = Sort switch
        {
            FleetSort.Facility => Order(matched, g => g.Facility ?? ""),
            FleetSort.Lab => Order(matched, g => g.LabName),
            FleetSort.Presence => Order(matched, g => g.PresenceSince ?? g.LastStatusAt ?? DateTimeOffset.MinValue),
            FleetSort.Outbox => Order(matched, g => g.Status?.OutboxDepth ?? -1),
            FleetSort.OldestUnsent => Order(matched, g => g.Status?.OldestUnsentAgeSeconds ?? -1),
            FleetSort.Certificate => Order(matched, g => g.CertNotAfter ?? DateTimeOffset.MaxValue),
            FleetSort.Alerts => Order(matched, g => g.OpenAlerts.Count),
            _ => Order(matched, g => g.Id),
        };
        return (sorted.Skip((Page - 1) * PageSize).Take(PageSize).ToList(), matched.Count);
    }

    private IEnumerable<FleetGateway> Order<TKey>(List<FleetGateway> rows, Func<FleetGateway, TKey> key)
    {
        // The id breaks ties, so a page boundary never moves between two requests.
        var ordered = Descending ? rows.OrderByDescending(key) : rows.OrderBy(key);
        return ordered.ThenBy(g => g.Id, StringComparer.Ordinal);
    }

    public bool Matches(FleetGateway g) =>
        (Facility is null || g.Facility == Facility)
        && (Lab is null || g.LabId == Lab)
        && (!OpenAlertsOnly || g.OpenAlerts.Count > 0)
        && (Text is null || g.Id.Contains(Text, StringComparison.Ordinal))
        && State switch
        {
            "online" => g.State == GatewayState.Enabled && g.Online == true,
            "offline" => g.State == GatewayState.Enabled && g.Online == false,
            "never-seen" => g.State == GatewayState.Enabled && g.Online is null,
            "pending" => g.State == GatewayState.Pending,
            "disabled" => g.State == GatewayState.Disabled,
            "revoked" => g.State == GatewayState.Revoked,
            "drift" => g.ConfigDrift || g.VersionDrift,
            _ => true,
        };

    /// <summary>This query's link with some parameters changed (sort headers, pager), as a relative URL.</summary>
    public string Link(FleetSort? sort = null, bool? descending = null, int? page = null)
    {
        var parts = new List<string>();
        void Add(string name, string? value)
        {
            if (!string.IsNullOrEmpty(value)) parts.Add(name + "=" + Uri.EscapeDataString(value));
        }
        Add("facility", Facility);
        Add("lab", Lab);
        Add("state", State);
        Add("alerts", OpenAlertsOnly ? "open" : null);
        Add("q", Text);
        var s = sort ?? Sort;
        Add("sort", s == FleetSort.Id ? null : s.ToString().ToLowerInvariant());
        Add("dir", descending ?? Descending ? "desc" : null);
        var p = page ?? Page;
        Add("page", p == 1 ? null : p.ToString(CultureInfo.InvariantCulture));
        return "/fleet" + (parts.Count == 0 ? "" : "?" + string.Join('&', parts));
    }

    private static string? Clean(string? text) =>
        string.IsNullOrWhiteSpace(text) || FreeText.Problem(text.Trim(), 100) is not null ? null : text.Trim();
}
