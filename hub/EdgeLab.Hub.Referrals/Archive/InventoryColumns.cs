namespace EdgeLab.Hub.Referrals.Archive;

/// <summary>
/// The columns of a polyclinic's card inventory (README "The paper card archive"), found by header name in any order;
/// unknown columns are ignored. snils and oms are each optional, but a row needs at least one of them (the identity
/// rules match on an identifier AND demographics).
/// </summary>
public sealed class InventoryColumns
{
    public const string CardNumber = "card_number";
    public const string Snils = "snils";
    public const string Oms = "oms";
    public const string Surname = "surname";
    public const string Name = "name";
    public const string Patronymic = "patronymic";
    public const string BirthDate = "birth_date";
    public const string Sex = "sex";
    public const string Polyclinic = "polyclinic";
    public const string Location = "location";

    public static readonly IReadOnlyList<string> Required = [CardNumber, Surname, Name, BirthDate, Sex, Polyclinic, Location];
    public static readonly IReadOnlyList<string> All = [CardNumber, Snils, Oms, Surname, Name, Patronymic, BirthDate, Sex, Polyclinic, Location];

    private readonly Dictionary<string, int> _index;

    private InventoryColumns(Dictionary<string, int> index) => _index = index;

    /// <summary>The column positions of a header; an error naming the missing columns when a required one (or both identifiers) is absent.</summary>
    public static InventoryColumns FromHeader(IReadOnlyList<string> header, out string? error)
    {
        var index = new Dictionary<string, int>(StringComparer.Ordinal);
        for (var i = 0; i < header.Count; i++)
        {
            var name = header[i].Trim().ToLowerInvariant();
            if (All.Contains(name)) index.TryAdd(name, i);
        }
        var missing = Required.Where(c => !index.ContainsKey(c)).ToList();
        if (!index.ContainsKey(Snils) && !index.ContainsKey(Oms)) missing.Add($"{Snils} or {Oms}");
        error = missing.Count == 0 ? null : $"the header lacks column(s) {string.Join(", ", missing)}; expected {string.Join(",", All)}";
        return new InventoryColumns(index);
    }

    /// <summary>The trimmed field of a column, or null when the column is absent, the row too short or the field empty.</summary>
    public string? Get(IReadOnlyList<string> fields, string column)
    {
        if (!_index.TryGetValue(column, out var i) || i >= fields.Count) return null;
        var value = fields[i].Trim();
        return value.Length == 0 ? null : value;
    }
}
