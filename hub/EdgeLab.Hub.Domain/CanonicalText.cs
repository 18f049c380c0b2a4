namespace EdgeLab.Hub.Domain;

/// <summary>
/// The one text form of a list of analyzer flags and of an enum value. The database stores these forms
/// (<c>Store/StoreEncoding</c>) and retransmission detection (<c>Linking/ResultContent</c>) compares them, so a row
/// read back compares equal to one about to be written — one definition keeps the two from drifting apart.
/// </summary>
public static class CanonicalText
{
    /// <summary>Unit separator (U+001F) between list items that may contain spaces (analyzer flags).</summary>
    public const char ListSeparator = '\u001f';

    public static string? List(IReadOnlyList<string> items) => items.Count == 0 ? null : string.Join(ListSeparator, items);

    public static IReadOnlyList<string> List(string? text) =>
        string.IsNullOrEmpty(text) ? [] : text.Split(ListSeparator);

    public static string Enum<T>(T value) where T : struct, Enum => EnumText<T>.Of(value);

    public static T Enum<T>(string text) where T : struct, Enum => System.Enum.Parse<T>(text, ignoreCase: true);

    /// <summary>Each enum value's text, made once (ingest writes one per result row).</summary>
    private static class EnumText<T> where T : struct, Enum
    {
        private static readonly Dictionary<T, string> Texts = System.Enum.GetValues<T>().Distinct().ToDictionary(v => v, v => v.ToString().ToLowerInvariant());

        public static string Of(T value) => Texts.TryGetValue(value, out var text) ? text : value.ToString().ToLowerInvariant();
    }
}
