using System.Globalization;
using System.Text.Json;

namespace EdgeLab.Gateway.Configuration;

/// <summary>
/// The few JSON Schema (draft 2020-12) keywords the configuration uses — type, required, additionalProperties: false,
/// enum, minimum/maximum, pattern, minLength — checked by hand (no schema library is served), each error naming the
/// field as a path such as <c>instruments[1].transport.port</c>.
/// </summary>
internal sealed class JsonFieldChecker
{
    private readonly List<string> _errors = [];

    public IReadOnlyList<string> Errors => _errors;

    public void Add(string path, string message) => _errors.Add($"{(path.Length == 0 ? "(document)" : path)}: {message}");

    public static string Join(string parent, string name) => parent.Length == 0 ? name : $"{parent}.{name}";

    /// <summary>Checks that <paramref name="obj"/> is an object with the required members and no unknown ones.</summary>
    public bool Object(JsonElement obj, string path, IReadOnlyCollection<string> allowed, IReadOnlyCollection<string> required)
    {
        if (obj.ValueKind != JsonValueKind.Object)
        {
            Add(path, $"must be an object, not {Describe(obj)}");
            return false;
        }
        foreach (var p in obj.EnumerateObject())
            if (!allowed.Contains(p.Name) && p.Name != "$schema")
                Add(Join(path, p.Name), $"is not a known setting (allowed: {string.Join(", ", allowed)})");
        foreach (var r in required)
            if (!obj.TryGetProperty(r, out _))
                Add(Join(path, r), "is required");
        return true;
    }

    public string? String(JsonElement obj, string path, string name, int minLength = 0, System.Text.RegularExpressions.Regex? pattern = null, string? patternText = null, IReadOnlyCollection<string>? oneOf = null)
    {
        if (!obj.TryGetProperty(name, out var v)) return null;
        var p = Join(path, name);
        if (v.ValueKind != JsonValueKind.String)
        {
            Add(p, $"must be a string, not {Describe(v)}");
            return null;
        }
        var s = v.GetString()!;
        if (s.Length < minLength)
            Add(p, minLength == 1 ? "must not be empty" : $"must be at least {minLength} characters");
        else if (pattern is not null && !pattern.IsMatch(s))
            Add(p, $"must match {patternText ?? pattern.ToString()} (got \"{s}\")");
        else if (oneOf is not null && !oneOf.Contains(s))
            Add(p, $"must be one of {string.Join(", ", oneOf)} (got \"{s}\")");
        return s;
    }

    public long? Integer(JsonElement obj, string path, string name, long min, long max)
    {
        if (!obj.TryGetProperty(name, out var v)) return null;
        var p = Join(path, name);
        if (v.ValueKind != JsonValueKind.Number || !v.TryGetInt64(out var n))
        {
            Add(p, $"must be an integer, not {Describe(v)}");
            return null;
        }
        if (n < min || n > max)
        {
            Add(p, $"must be {min.ToString(CultureInfo.InvariantCulture)}..{max.ToString(CultureInfo.InvariantCulture)} (got {n.ToString(CultureInfo.InvariantCulture)})");
            return null;
        }
        return n;
    }

    public bool? Boolean(JsonElement obj, string path, string name)
    {
        if (!obj.TryGetProperty(name, out var v)) return null;
        if (v.ValueKind is JsonValueKind.True or JsonValueKind.False) return v.GetBoolean();
        Add(Join(path, name), $"must be true or false, not {Describe(v)}");
        return null;
    }

    /// <summary>The member as an array, or null (with an error) when present and not an array.</summary>
    public JsonElement? Array(JsonElement obj, string path, string name)
    {
        if (!obj.TryGetProperty(name, out var v)) return null;
        if (v.ValueKind == JsonValueKind.Array) return v;
        Add(Join(path, name), $"must be an array, not {Describe(v)}");
        return null;
    }

    public JsonElement? Member(JsonElement obj, string name) => obj.TryGetProperty(name, out var v) ? v : null;

    private static string Describe(JsonElement v) => v.ValueKind switch
    {
        JsonValueKind.String => $"the string \"{v.GetString()}\"",
        JsonValueKind.Number => $"the number {v.GetRawText()}",
        JsonValueKind.Object => "an object",
        JsonValueKind.Array => "an array",
        JsonValueKind.True or JsonValueKind.False => "a boolean",
        JsonValueKind.Null => "null",
        _ => v.ValueKind.ToString(),
    };
}
