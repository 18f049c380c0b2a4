namespace EdgeLab.Hub.Web.Text;

/// <summary>One area's page strings: key → (Russian, English). Written as a collection initialiser
/// <c>{ "key", "русский", "English" }</c> so each line reads as one label in both languages.</summary>
internal sealed class UiStrings : Dictionary<string, (string Ru, string En)>
{
    public UiStrings() : base(StringComparer.Ordinal) { }

    public void Add(string key, string ru, string en) => Add(key, (ru, en));
}
