namespace EdgeLab.Instruments.Dialect;

/// <summary>One thing wrong in a profile file: which file, which field (YAML path, e.g. <c>specimenId.field</c>), what.</summary>
public sealed record ProfileError(string File, string Field, string Message)
{
    public override string ToString() => $"{File}: {Field}: {Message}";
}

/// <summary>Profiles that failed to load or validate; <see cref="Errors"/> lists every problem found, not only the first.</summary>
internal sealed class ProfileCatalogException(IReadOnlyList<ProfileError> errors)
    : Exception("invalid instrument profile(s):" + Environment.NewLine + string.Join(Environment.NewLine, errors.Select(e => "  " + e)))
{
    public IReadOnlyList<ProfileError> Errors { get; } = errors;
}
