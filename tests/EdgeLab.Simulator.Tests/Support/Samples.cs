namespace EdgeLab.Simulator.Tests.Support;

/// <summary>The sample transcripts copied beside the test assembly (tests/samples → samples/).</summary>
internal static class Samples
{
    public static string Directory => Path.Combine(AppContext.BaseDirectory, "samples");

    public static string Path_(string relative) => Path.Combine(Directory, relative);

    public static IEnumerable<string> All() =>
        System.IO.Directory.GetFiles(Path.Combine(Directory, "astm"), "*.astm")
            .Concat(System.IO.Directory.GetFiles(Path.Combine(Directory, "hl7"), "*.hl7"))
            .Select(p => Path.GetRelativePath(Directory, p))
            .Order(StringComparer.Ordinal);

    public static TheoryData<string> AllFiles()
    {
        var data = new TheoryData<string>();
        foreach (var f in All()) data.Add(f);
        return data;
    }
}
