using System.Text.Json.Nodes;

namespace EdgeLab.Hub.Store.Fleet;

/// <summary>One difference between two configuration documents, at a JSON path such as <c>management.heartbeatSeconds</c>.</summary>
public sealed record ConfigChange(string Path, string? Before, string? After)
{
    public override string ToString() => (Before, After) switch
    {
        (null, _) => $"+ {Path}: {After}",
        (_, null) => $"- {Path}: {Before}",
        _ => $"~ {Path}: {Before} → {After}",
    };
}

/// <summary>What changes between two documents (pure): objects are compared key by key, arrays and scalars whole.</summary>
public static class ConfigDiff
{
    public static IReadOnlyList<ConfigChange> Between(JsonObject? before, JsonObject? after)
    {
        var changes = new List<ConfigChange>();
        Walk("", before, after, changes);
        return changes;
    }

    private static void Walk(string path, JsonNode? before, JsonNode? after, List<ConfigChange> changes)
    {
        if (before is JsonObject b && after is JsonObject a)
        {
            foreach (var key in b.Select(p => p.Key).Union(a.Select(p => p.Key)).Order(StringComparer.Ordinal))
            {
                var child = path.Length == 0 ? key : path + "." + key;
                var hasB = b.TryGetPropertyValue(key, out var vb);
                var hasA = a.TryGetPropertyValue(key, out var va);
                if (!hasB) changes.Add(new ConfigChange(child, null, Text(va)));
                else if (!hasA) changes.Add(new ConfigChange(child, Text(vb), null));
                else Walk(child, vb, va, changes);
            }
            return;
        }
        if (before is null && after is JsonObject && path.Length == 0)
        {
            Walk(path, new JsonObject(), after, changes);
            return;
        }
        if (!JsonNode.DeepEquals(before, after)) changes.Add(new ConfigChange(path.Length == 0 ? "(document)" : path, Text(before), Text(after)));
    }

    private static string Text(JsonNode? node) => node?.ToJsonString() ?? "null";
}
