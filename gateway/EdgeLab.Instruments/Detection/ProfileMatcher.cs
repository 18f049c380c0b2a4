using EdgeLab.Instruments.Dialect;

namespace EdgeLab.Instruments.Detection;

/// <summary>What <see cref="ProfileMatcher"/> concluded about one sender.</summary>
/// <param name="Profile">The profile to decode with: the matching one, or the protocol's generic profile.</param>
/// <param name="Matched">True when a profile's <c>identify</c> pattern matched; false when the generic profile stands in.</param>
/// <param name="Pattern">The pattern that matched, for the report.</param>
/// <param name="Suggestion">For a technician when nothing matched (or several did equally): what was seen and what to set.</param>
public sealed record ProfileMatch(InstrumentProfile Profile, bool Matched, IdentifyPattern? Pattern, string? Suggestion);

/// <summary>
/// Picks the analyzer model's profile from a message header: every profile of the same protocol whose
/// <c>identify</c> patterns match the sender; of several, the most specific (most literal characters pinned down);
/// none, the generic profile (<c>generic-lis2</c> / <c>generic-hl7</c>) and a suggestion naming the closest profiles
/// and the setting to change.
/// </summary>
public sealed class ProfileMatcher
{
    public const string GenericAstm = "generic-lis2";
    public const string GenericHl7 = "generic-hl7";

    private readonly IReadOnlyList<InstrumentProfile> _profiles;

    public ProfileMatcher(IEnumerable<InstrumentProfile> profiles)
    {
        _profiles = profiles.OrderBy(p => p.Name, StringComparer.Ordinal).ToList();
    }

    /// <param name="configPath">Where the technician sets the profile, e.g. <c>instruments[2].profile</c>.</param>
    public ProfileMatch Match(SenderIdentity sender, string configPath)
    {
        ArgumentNullException.ThrowIfNull(sender);
        var candidates = _profiles
            .Where(p => p.Protocol == sender.Protocol)
            .SelectMany(p => p.IdentifyPatterns.Where(i => i.Matches(sender)).Select(i => (Profile: p, Pattern: i)))
            .OrderByDescending(m => m.Pattern.Specificity)
            .ThenBy(m => m.Profile.Name, StringComparer.Ordinal)
            .ToList();
        if (candidates.Count > 0)
        {
            var best = candidates[0];
            var rivals = candidates.Where(c => c.Profile != best.Profile && c.Pattern.Specificity == best.Pattern.Specificity)
                .Select(c => c.Profile.Name).Distinct().ToList();
            var suggestion = rivals.Count == 0 ? null
                : $"sender {sender.Display} matched {best.Profile.Name} and equally {string.Join(", ", rivals)}; {best.Profile.Name} is used: set the right one explicitly in {configPath}";
            return new ProfileMatch(best.Profile, true, best.Pattern, suggestion);
        }
        var generic = Generic(sender.Protocol);
        var genericName = generic.Name;
        var closest = Closest(sender);
        var hint = closest.Count == 0 ? "" : $"; closest: {string.Join(", ", closest)}";
        return new ProfileMatch(generic, false, null,
            $"sender {sender.Display} matched no profile{hint}; decoded with {genericName}: set the profile explicitly in {configPath}");
    }

    /// <summary>The fallback profile for <paramref name="protocol"/> (<c>astm</c> or <c>hl7</c>).</summary>
    public InstrumentProfile Generic(string protocol)
    {
        var name = protocol == "astm" ? GenericAstm : GenericHl7;
        return _profiles.FirstOrDefault(p => p.Name == name)
            ?? throw new InvalidOperationException($"no {name} profile in the catalog: auto-detection needs it as the fallback");
    }

    /// <summary>
    /// Profiles whose patterns share the longest run of letters and digits with the sender text (at least 3), best
    /// first, at most three: "MINDRAY^BA-99" is closest to mindray-ba88a.
    /// </summary>
    private List<string> Closest(SenderIdentity sender)
    {
        var text = Normalize(sender.Text);
        if (text.Length == 0) return [];
        return _profiles
            .Where(p => p.Protocol == sender.Protocol)
            .Select(p => (p.Name, Score: p.IdentifyPatterns.SelectMany(i => i.Conditions)
                .Select(c => LongestCommonRun(text, Normalize(c.Value)))
                .DefaultIfEmpty(0).Max()))
            .Where(s => s.Score >= 3)
            .OrderByDescending(s => s.Score).ThenBy(s => s.Name, StringComparer.Ordinal)
            .Take(3)
            .Select(s => s.Name)
            .ToList();
    }

    private static string Normalize(string s) =>
        new(s.Where(char.IsAsciiLetterOrDigit).Select(char.ToUpperInvariant).ToArray());

    private static int LongestCommonRun(string a, string b)
    {
        var best = 0;
        var previous = new int[b.Length + 1];
        var current = new int[b.Length + 1];
        for (var i = 1; i <= a.Length; i++)
        {
            for (var j = 1; j <= b.Length; j++)
            {
                current[j] = a[i - 1] == b[j - 1] ? previous[j - 1] + 1 : 0;
                best = Math.Max(best, current[j]);
            }
            (previous, current) = (current, previous);
        }
        return best;
    }
}
