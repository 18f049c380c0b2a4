using EdgeLab.Hub.Domain;
using EdgeLab.Hub.Store;
using EdgeLab.Hub.Web.Auth;

namespace EdgeLab.Hub.Web.Queues;

/// <summary>
/// The quarantined messages a person may see: those from their lab's gateways (a quarantined payload may name no
/// patient we could read, but its raw bytes can hold one, so another lab's are not shown); the regional admin sees all.
/// </summary>
internal sealed class LabQuarantine(IClinicalStore clinical, IDirectoryStore directory)
{
    private const int MaxScanned = 5000;

    public async Task<IReadOnlyList<QuarantinedPayload>> ListAsync(WebPerson person, string? search, CancellationToken cancellationToken)
    {
        var gateways = person.Role == WebRole.RegionalAdmin
            ? null
            : (await directory.ListGatewaysAsync(person.OrganizationId, cancellationToken).ConfigureAwait(false)).Select(g => g.Id).ToHashSet(StringComparer.Ordinal);
        var found = new List<QuarantinedPayload>();
        string? cursor = null;
        var scanned = 0;
        do
        {
            var page = await clinical.ListQuarantineAsync(HubStore.MaxPageSize, cursor, cancellationToken).ConfigureAwait(false);
            scanned += page.Items.Count;
            found.AddRange(page.Items.Where(q => (gateways is null || (q.GatewayId is { } g && gateways.Contains(g))) && Matches(q, search)));
            cursor = page.NextCursor;
        }
        while (cursor is not null && scanned < MaxScanned);
        return found;
    }

    public async Task<QuarantinedPayload?> GetAsync(WebPerson person, long id, CancellationToken cancellationToken) =>
        (await ListAsync(person, null, cancellationToken).ConfigureAwait(false)).FirstOrDefault(q => q.Id == id);

    private static bool Matches(QuarantinedPayload q, string? search) =>
        string.IsNullOrWhiteSpace(search)
        || q.GatewayId?.Contains(search.Trim(), StringComparison.OrdinalIgnoreCase) == true
        || q.Detail.Contains(search.Trim(), StringComparison.OrdinalIgnoreCase)
        || q.Reason.ToString().Contains(search.Trim(), StringComparison.OrdinalIgnoreCase)
        || q.MessageId?.Contains(search.Trim(), StringComparison.OrdinalIgnoreCase) == true;
}
