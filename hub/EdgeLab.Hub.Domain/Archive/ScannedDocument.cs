namespace EdgeLab.Hub.Domain;

/// <summary>
/// Scanned pages of a paper card (a PDF), as FHIR DocumentReference shows them. The content is kept as uploaded;
/// <see cref="Sha256"/> (hex) and <see cref="PageCount"/> are computed from it on upload.
/// </summary>
public sealed record ScannedDocument
{
    public required string Id { get; init; }
    public required string CardNumber { get; init; }
    /// <summary>The card's patient at upload (null while the card waits in the queue).</summary>
    public string? PatientId { get; init; }
    public required string Category { get; init; }
    public required string Sha256 { get; init; }
    public required int PageCount { get; init; }
    public required long Size { get; init; }
    public required DateTimeOffset ScannedAt { get; init; }
    public DateTimeOffset Created { get; init; }

    /// <summary>The categories of scanned card documents (code system urn:edgelab:archive-document-category).</summary>
    public static readonly IReadOnlyList<string> Categories = ["outpatient-card", "lab-report", "discharge-summary", "imaging-report", "other"];
}
