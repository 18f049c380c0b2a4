using System.Globalization;
using EdgeLab.Hub.Domain;

namespace EdgeLab.Hub.Referrals.Archive;

/// <summary>A row the import refused, and why (what and where: the line number and the column).</summary>
public sealed record RowRejection(int RowNumber, string? CardNumber, string Column, string Reason);

/// <summary>
/// One inventory row after field checks: the card, its patient's demographics as written, and the location path split
/// into the box path and the position number. Whether the box exists and who the patient is are decided later (store).
/// </summary>
public sealed record InventoryRow
{
    public required int RowNumber { get; init; }
    public required string CardNumber { get; init; }
    public required Patient Demographics { get; init; }
    public required string Polyclinic { get; init; }
    public required string BoxPath { get; init; }
    public required int Position { get; init; }

    /// <summary>
    /// Checks one row's fields: card number (1–64 characters), SNILS (11 digits with a valid check number, separators
    /// allowed), OMS policy (16 digits), surname, name, birth date (YYYY-MM-DD or DD.MM.YYYY, not in the future), sex
    /// (male/female/м/ж/m/f), polyclinic, location (archive/zone/box/position). The first problem found rejects the row.
    /// </summary>
    public static InventoryRow? Parse(int rowNumber, IReadOnlyList<string> fields, InventoryColumns columns, DateOnly today, out RowRejection? rejection)
    {
        var card = columns.Get(fields, InventoryColumns.CardNumber);
        RowRejection Reject(string column, string reason) => new(rowNumber, card, column, reason);
        rejection = null;
        if (card is null) { rejection = Reject(InventoryColumns.CardNumber, "missing field"); return null; }
        if (card.Length > 64) { rejection = Reject(InventoryColumns.CardNumber, "longer than 64 characters"); return null; }

        string? snils = null, oms = null;
        if (columns.Get(fields, InventoryColumns.Snils) is { } snilsText)
        {
            snils = Snils.Normalize(snilsText);
            if (snils is null) { rejection = Reject(InventoryColumns.Snils, "not 11 digits"); return null; }
            if (!Snils.IsValid(snils)) { rejection = Reject(InventoryColumns.Snils, "bad SNILS checksum"); return null; }
        }
        if (columns.Get(fields, InventoryColumns.Oms) is { } omsText)
        {
            oms = new string(omsText.Where(c => c != ' ').ToArray());
            if (oms.Length != 16 || !oms.All(char.IsAsciiDigit)) { rejection = Reject(InventoryColumns.Oms, "not 16 digits"); return null; }
        }
        if (snils is null && oms is null) { rejection = Reject($"{InventoryColumns.Snils}/{InventoryColumns.Oms}", "missing field: a card needs SNILS or OMS policy"); return null; }

        var surname = columns.Get(fields, InventoryColumns.Surname);
        if (surname is null) { rejection = Reject(InventoryColumns.Surname, "missing field"); return null; }
        var name = columns.Get(fields, InventoryColumns.Name);
        if (name is null) { rejection = Reject(InventoryColumns.Name, "missing field"); return null; }

        var birthText = columns.Get(fields, InventoryColumns.BirthDate);
        if (birthText is null) { rejection = Reject(InventoryColumns.BirthDate, "missing field"); return null; }
        if (!DateOnly.TryParseExact(birthText, ["yyyy-MM-dd", "dd.MM.yyyy"], CultureInfo.InvariantCulture, DateTimeStyles.None, out var birth))
        { rejection = Reject(InventoryColumns.BirthDate, "not a date (YYYY-MM-DD or DD.MM.YYYY)"); return null; }
        if (birth > today) { rejection = Reject(InventoryColumns.BirthDate, "in the future"); return null; }

        var sexText = columns.Get(fields, InventoryColumns.Sex);
        if (sexText is null) { rejection = Reject(InventoryColumns.Sex, "missing field"); return null; }
        Sex? sex = sexText.ToLowerInvariant() switch
        {
            "male" or "m" or "м" or "муж" => Sex.Male,
            "female" or "f" or "ж" or "жен" => Sex.Female,
            _ => null,
        };
        if (sex is null) { rejection = Reject(InventoryColumns.Sex, "not male/female (м/ж)"); return null; }

        var polyclinic = columns.Get(fields, InventoryColumns.Polyclinic);
        if (polyclinic is null) { rejection = Reject(InventoryColumns.Polyclinic, "missing field"); return null; }

        var location = columns.Get(fields, InventoryColumns.Location);
        if (location is null) { rejection = Reject(InventoryColumns.Location, "missing field"); return null; }
        var cut = location.LastIndexOf(ArchiveLocation.Separator);
        if (cut <= 0 || !int.TryParse(location.AsSpan(cut + 1), NumberStyles.None, CultureInfo.InvariantCulture, out var position) || position < 1)
        { rejection = Reject(InventoryColumns.Location, "not archive/zone/box/position (position a number from 1)"); return null; }

        return new InventoryRow
        {
            RowNumber = rowNumber,
            CardNumber = card,
            Polyclinic = polyclinic,
            BoxPath = location[..cut],
            Position = position,
            Demographics = new Patient
            {
                Id = "",
                ManagingOrganizationId = polyclinic,
                Snils = snils,
                OmsPolicy = oms,
                FamilyName = surname,
                GivenName = name,
                MiddleName = columns.Get(fields, InventoryColumns.Patronymic),
                Sex = sex.Value,
                BirthDate = birth,
            },
        };
    }
}
