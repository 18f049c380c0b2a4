using EdgeLab.Hub.Domain;
using EdgeLab.Hub.Referrals.Archive;

namespace EdgeLab.Hub.Store;

/// <summary>What one import batch did: cards attached to a patient, cards queued (with the rows and reasons), cards already present.</summary>
public sealed record CardBatchOutcome(int Attached, IReadOnlyList<(InventoryRow Row, CardQueueReason Reason)> Queued, IReadOnlyList<InventoryRow> AlreadyPresent);

public sealed record DocumentQuery
{
    public string? PatientId { get; init; }
    public string? CardNumber { get; init; }
    public string? Category { get; init; }
    public int Count { get; init; } = 50;
    public string? Cursor { get; init; }
}

/// <summary>
/// The paper card archive (issue 15 §2): locations, cards (attached or queued), retrieval requests, scanned documents.
/// Cards, their documents and retrievals are patient data: scoped like patients (the region, or an organization that
/// sees the patient — or whose polyclinic the card is, so a polyclinic sees its own queued cards).
/// </summary>
public interface IArchiveStore
{
    /// <summary>
    /// Registers a location by path (1 segment = archive, 2 = zone, 3 = box with <paramref name="positions"/>), creating
    /// the levels above it that are missing. Idempotent; a box's position count may be raised, never lowered below a
    /// card it holds.
    /// </summary>
    Task<ArchiveLocation> AddLocationAsync(string path, int? positions, CancellationToken ct = default);

    Task<ArchiveLocation?> GetLocationAsync(string id, CancellationToken ct = default);

    Task<Page<ArchiveLocation>> SearchLocationsAsync(string? name, string? partOf, int count, string? cursor, CancellationToken ct = default);

    /// <summary>Every box by path (for an import: thousands of rows, read once).</summary>
    Task<IReadOnlyDictionary<string, ArchiveLocation>> LoadBoxesAsync(CancellationToken ct = default);

    /// <summary>
    /// One import batch in one transaction: looks up the registered patients sharing the rows' SNILS/OMS, matches each
    /// card by the identity rules (<see cref="CardIdentity"/>), inserts the cards (a card number already present is left
    /// as it is: a re-import makes no duplicate). The rows' boxes must be resolved by the caller (<paramref name="boxIds"/>, same order).
    /// </summary>
    Task<CardBatchOutcome> ImportCardsAsync(IReadOnlyList<InventoryRow> rows, IReadOnlyList<string> boxIds, CancellationToken ct = default);

    Task<PaperCard?> GetCardAsync(AccessScope scope, string cardNumber, CancellationToken ct = default);

    /// <summary>Cards waiting for a person's decision (no patient), by card number.</summary>
    Task<Page<PaperCard>> ListQueuedCardsAsync(AccessScope scope, int count, string? cursor, CancellationToken ct = default);

    /// <summary>A person's decision: attaches a queued card to a patient; false when the card is not queued or the patient unknown.</summary>
    Task<bool> AttachQueuedCardAsync(AccessScope scope, string cardNumber, string patientId, CancellationToken ct = default);

    Task<CardRetrieval> RequestRetrievalAsync(string cardNumber, string organizationId, string requestedBy, DateTimeOffset deliverBy, CancellationToken ct = default);

    /// <summary>Moves a request one step (requested → retrieved → delivered → returned); the delivered step sets the return due date. Null when not found in scope or the step is not the next one.</summary>
    Task<CardRetrieval?> AdvanceRetrievalAsync(AccessScope scope, string id, RetrievalStatus to, DateTimeOffset? returnBy, CancellationToken ct = default);

    Task<CardRetrieval?> GetRetrievalAsync(AccessScope scope, string id, CancellationToken ct = default);

    Task<IReadOnlyList<CardRetrieval>> ListRetrievalsAsync(AccessScope scope, bool overdueOnly, int count, CancellationToken ct = default);

    /// <summary>Marks (once) the organization's requests whose running due date is before <paramref name="now"/>; returns them.</summary>
    Task<IReadOnlyList<CardRetrieval>> MarkOverdueRetrievalsAsync(string organizationId, DateTimeOffset now, CancellationToken ct = default);

    /// <summary>The earliest running due date of the organization's requests not yet marked overdue.</summary>
    Task<DateTimeOffset?> NextRetrievalDueAsync(string organizationId, CancellationToken ct = default);

    Task<IReadOnlyList<string>> OrganizationsWithOverdueRetrievalsAsync(DateTimeOffset now, CancellationToken ct = default);

    Task<ScannedDocument> AddDocumentAsync(ScannedDocument document, byte[] content, CancellationToken ct = default);

    Task<ScannedDocument?> GetDocumentAsync(AccessScope scope, string id, CancellationToken ct = default);

    Task<byte[]?> GetDocumentContentAsync(AccessScope scope, string id, CancellationToken ct = default);

    Task<Page<ScannedDocument>> SearchDocumentsAsync(AccessScope scope, DocumentQuery query, CancellationToken ct = default);
}
