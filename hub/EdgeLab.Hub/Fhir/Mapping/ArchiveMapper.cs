using System.Globalization;
using EdgeLab.Hub.Domain;
using EdgeLab.Hub.Fhir.Resources;

namespace EdgeLab.Hub.Fhir.Mapping;

/// <summary>Archive locations → R4 Location (partOf chain), scanned card pages → R4 DocumentReference.</summary>
internal static class ArchiveMapper
{
    /// <summary>A position's Location id: the box id, "-p" and the number (R4 id: [A-Za-z0-9\-\.]{1,64}).</summary>
    public static string PositionId(string boxId, int position) => boxId + "-p" + position.ToString(CultureInfo.InvariantCulture);

    public static bool TryParsePositionId(string id, out string boxId, out int position)
    {
        var cut = id.LastIndexOf("-p", StringComparison.Ordinal);
        boxId = cut > 0 ? id[..cut] : "";
        position = 0;
        return cut > 0 && int.TryParse(id.AsSpan(cut + 2), NumberStyles.None, CultureInfo.InvariantCulture, out position) && position > 0;
    }

    public static Location ToFhir(ArchiveLocation location) => new()
    {
        Id = location.Id,
        Identifier = [new Identifier { System = FhirSystems.ArchiveLocationPath, Value = location.Path }],
        Status = "active",
        Name = location.Name,
        Description = location.Kind switch
        {
            ArchiveLocationKind.Archive => "Paper card archive",
            ArchiveLocationKind.Zone => "Archive zone",
            _ => $"Card box, positions 1–{location.Positions}",
        },
        Mode = "instance",
        // location-physical-type: an archive is a building, a zone an area, a box a cabinet ("a container that can store goods").
        PhysicalType = CodeableConcept.Of(FhirSystems.LocationPhysicalType, location.Kind switch
        {
            ArchiveLocationKind.Archive => "bu",
            ArchiveLocationKind.Zone => "area",
            _ => "ca",
        }),
        PartOf = location.ParentId is { } parent ? Resources.Reference.To("Location", parent) : null,
    };

    /// <summary>A position inside a box: derived, not stored (the card keeps its box and number).</summary>
    public static Location Position(ArchiveLocation box, int position) => new()
    {
        Id = PositionId(box.Id, position),
        Identifier = [new Identifier { System = FhirSystems.ArchiveLocationPath, Value = box.Path + ArchiveLocation.Separator + position.ToString(CultureInfo.InvariantCulture) }],
        Status = "active",
        Name = position.ToString(CultureInfo.InvariantCulture),
        Description = "Position in a card box",
        Mode = "instance",
        PartOf = Resources.Reference.To("Location", box.Id),
    };

    public static DocumentReference ToFhir(ScannedDocument document, string baseUrl) => new()
    {
        Id = document.Id,
        MasterIdentifier = new Identifier { System = FhirSystems.DocumentSha256, Value = document.Sha256 },
        Identifier = [new Identifier { System = FhirSystems.ArchiveCardNumber, Value = document.CardNumber }],
        Status = "current",
        Category = [CodeableConcept.Of(FhirSystems.ArchiveDocumentCategory, document.Category)],
        Subject = document.PatientId is { } patient ? Resources.Reference.To("Patient", patient) : null,
        Date = FhirDates.Instant(document.Created),
        Description = "Scanned pages of paper card " + document.CardNumber,
        Content =
        [
            new DocumentReferenceContent
            {
                Attachment = new Attachment
                {
                    Extension = [new Extension { Url = FhirSystems.AttachmentPagesExtension, ValuePositiveInt = document.PageCount }],
                    ContentType = "application/pdf",
                    Url = $"{baseUrl}/api/archive/documents/{document.Id}/content.pdf",
                    Size = document.Size,
                    Title = $"{document.CardNumber} ({document.PageCount} p.)",
                    Creation = FhirDates.Instant(document.ScannedAt),
                },
            },
        ],
    };
}
