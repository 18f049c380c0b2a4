namespace EdgeLab.Instruments.Dialect;

/// <summary>
/// What <c>edgelab-gateway profiles list</c> prints: one line per shipped profile (name, protocol, description) and a
/// count of analyzer models, so a technician sees which analyzers the box knows before plugging one in.
/// </summary>
internal static class ProfileListing
{
    /// <summary>Profiles that describe a standard, not a model (<c>generic-lis2</c>, <c>generic-hl7</c>).</summary>
    public static bool IsGeneric(string name) => name.StartsWith("generic-", StringComparison.Ordinal);

    public static void Write(ProfileCatalog catalog, TextWriter output)
    {
        var names = catalog.Names.ToList();
        var width = names.Max(n => n.Length);
        foreach (var name in names)
        {
            var p = catalog.Get(name);
            output.WriteLine($"{name.PadRight(width)}  {p.Protocol,-4}  {p.Description}");
        }
        var models = names.Count(n => !IsGeneric(n));
        output.WriteLine($"{names.Count} profiles in {catalog.Directory}: {models} analyzer models, {names.Count - models} generic");
    }
}
