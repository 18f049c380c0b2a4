using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace EdgeLab.Instruments.Dialect;

/// <summary>
/// The instrument dialect profiles of a directory (<c>firmware-config/instruments/*.yaml</c>, one file per analyzer
/// model), loaded and validated once. A new analyzer is a new file: nothing here names a model.
/// </summary>
internal sealed class ProfileCatalog
{
    /// <summary>Where profiles live in the repository and in a gateway install.</summary>
    public const string RelativeDirectory = "firmware-config/instruments";

    private readonly Dictionary<string, InstrumentProfile> _profiles;

    private ProfileCatalog(Dictionary<string, InstrumentProfile> profiles, string directory)
    {
        _profiles = profiles;
        Directory = directory;
    }

    public string Directory { get; }

    public IReadOnlyCollection<InstrumentProfile> Profiles => _profiles.Values;

    public IEnumerable<string> Names => _profiles.Keys.Order(StringComparer.Ordinal);

    /// <summary>Loads every <c>*.yaml</c>/<c>*.yml</c> file of <paramref name="directory"/>.</summary>
    /// <exception cref="ProfileCatalogException">Any file is unreadable or invalid (all problems listed, each naming file and field).</exception>
    public static ProfileCatalog Load(string directory)
    {
        if (!System.IO.Directory.Exists(directory))
            throw new ProfileCatalogException([new ProfileError(directory, "-", "profile directory does not exist")]);
        var errors = new List<ProfileError>();
        var profiles = new Dictionary<string, InstrumentProfile>(StringComparer.Ordinal);
        var files = System.IO.Directory.EnumerateFiles(directory, "*.yaml")
            .Concat(System.IO.Directory.EnumerateFiles(directory, "*.yml"))
            .Order(StringComparer.Ordinal);
        foreach (var file in files)
        {
            var profile = TryLoadFile(file, errors);
            if (profile is null)
                continue;
            if (!profiles.TryAdd(profile.Name, profile))
                errors.Add(new ProfileError(Path.GetFileName(file), "name", $"profile '{profile.Name}' is defined twice"));
        }
        if (errors.Count > 0)
            throw new ProfileCatalogException(errors);
        return new ProfileCatalog(profiles, directory);
    }

    /// <summary>Loads and validates one profile file.</summary>
    /// <exception cref="ProfileCatalogException">The file is unreadable or invalid.</exception>
    public static InstrumentProfile LoadFile(string path)
    {
        var errors = new List<ProfileError>();
        var profile = TryLoadFile(path, errors);
        return errors.Count > 0 || profile is null ? throw new ProfileCatalogException(errors) : profile;
    }

    /// <summary>Parses and validates profile YAML; <paramref name="fileName"/> names it in errors and gives the default name.</summary>
    public static InstrumentProfile? TryParse(string yaml, string fileName, List<ProfileError> errors)
    {
        var stem = Path.GetFileNameWithoutExtension(fileName);
        var stream = new YamlStream();
        try
        {
            stream.Load(new StringReader(yaml));
        }
        catch (YamlException e)
        {
            errors.Add(new ProfileError(fileName, "-", $"line {e.Start.Line}, column {e.Start.Column}: {Innermost(e)}"));
            return null;
        }
        if (stream.Documents.Count == 0 || ProfileYamlNodes.IsNull(stream.Documents[0].RootNode))
        {
            errors.Add(new ProfileError(fileName, "-", "file is empty"));
            return null;
        }
        if (stream.Documents.Count > 1)
        {
            errors.Add(new ProfileError(fileName, "-", $"line {stream.Documents[1].RootNode.Start.Line}: one profile per file, found a second YAML document"));
            return null;
        }
        var profile = ProfileYaml.Read(stream.Documents[0].RootNode, new ProfileYamlNodes(fileName, errors));
        if (profile is null)
            return null;
        profile = profile with { Name = string.IsNullOrEmpty(profile.Name) ? stem : profile.Name };
        var before = errors.Count;
        ProfileValidator.Validate(profile, stem, fileName, errors);
        return errors.Count == before ? profile : null;
    }

    public InstrumentProfile Get(string name) => _profiles.TryGetValue(name, out var p) ? p
        : throw new KeyNotFoundException($"no instrument profile '{name}' in {Directory} (known: {string.Join(", ", Names)})");

    public bool TryGet(string name, out InstrumentProfile profile) => _profiles.TryGetValue(name, out profile!);

    /// <summary>
    /// Finds <c>firmware-config/instruments</c> by walking up from the executable's folder, then from the current
    /// directory, then in the repository the assembly was built from (builds into private artifact folders);
    /// null when none has it.
    /// </summary>
    public static string? FindDefaultDirectory()
    {
        var builtFrom = typeof(ProfileCatalog).Assembly
            .GetCustomAttributes(typeof(System.Reflection.AssemblyMetadataAttribute), false)
            .OfType<System.Reflection.AssemblyMetadataAttribute>()
            .FirstOrDefault(a => a.Key == "EdgeLabRepositoryRoot")?.Value;
        foreach (var start in new[] { AppContext.BaseDirectory, Environment.CurrentDirectory, builtFrom })
        {
            if (string.IsNullOrEmpty(start))
                continue;
            for (var dir = new DirectoryInfo(start); dir is not null; dir = dir.Parent)
            {
                var candidate = Path.Combine(dir.FullName, RelativeDirectory);
                if (System.IO.Directory.Exists(candidate))
                    return candidate;
            }
        }
        return null;
    }

    private static InstrumentProfile? TryLoadFile(string path, List<ProfileError> errors)
    {
        string yaml;
        try
        {
            yaml = File.ReadAllText(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            errors.Add(new ProfileError(Path.GetFileName(path), "-", $"cannot read: {e.Message}"));
            return null;
        }
        return TryParse(yaml, Path.GetFileName(path), errors);
    }

    private static string Innermost(Exception e)
    {
        while (e.InnerException is not null)
            e = e.InnerException;
        return e.Message;
    }
}
