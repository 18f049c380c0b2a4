using System.Globalization;
using YamlDotNet.RepresentationModel;

namespace EdgeLab.Instruments.Dialect;

/// <summary>
/// Reads typed values out of a YAML node tree (YamlDotNet's representation model: a parser, no reflection, so it works
/// in the Native AOT gateway). Every value that is not what the field needs becomes a <see cref="ProfileError"/> naming
/// the field's YAML path and the line, and reading goes on so that one pass lists every problem.
/// </summary>
internal sealed class ProfileYamlNodes(string file, List<ProfileError> errors)
{
    private static readonly string[] TrueWords = ["true", "y", "yes", "on"];
    private static readonly string[] FalseWords = ["false", "n", "no", "off"];

    public bool Failed { get; private set; }

    /// <summary>
    /// Applies each key of a mapping to <paramref name="value"/>; <paramref name="apply"/> returns null for a key it does
    /// not know, which is an error (a misspelt key must not silently fall back to a default).
    /// </summary>
    public T Mapping<T>(YamlNode node, string path, T value, Func<T, string, YamlNode, string, T?> apply)
        where T : class
    {
        if (node is not YamlMappingNode mapping)
        {
            Error(path, node, $"must be a mapping of keys to values, not {Describe(node)}");
            return value;
        }
        foreach (var (keyNode, child) in mapping.Children)
        {
            if (keyNode is not YamlScalarNode { Value: { } key })
            {
                Error(path, keyNode, "keys must be plain names");
                continue;
            }
            var childPath = path.Length == 0 ? key : $"{path}.{key}";
            var next = apply(value, key, child, childPath);
            if (next is null)
                Error(childPath, keyNode, $"unknown key '{key}'{(path.Length == 0 ? "" : $" in '{path}'")}");
            else
                value = next;
        }
        return value;
    }

    public string String(YamlNode node, string path, string fallback) => NullableString(node, path) ?? Required(node, path, fallback);

    public string? NullableString(YamlNode node, string path)
    {
        if (node is not YamlScalarNode scalar)
        {
            Error(path, node, $"must be a text value, not {Describe(node)}");
            return null;
        }
        return IsNull(scalar) ? null : scalar.Value;
    }

    public int Int(YamlNode node, string path, int fallback)
    {
        var text = NullableString(node, path);
        return text is null ? Required(node, path, fallback) : ParseInt(text, node, path) ?? fallback;
    }

    public int? NullableInt(YamlNode node, string path)
    {
        var text = NullableString(node, path);
        return text is null ? null : ParseInt(text, node, path);
    }

    public bool Bool(YamlNode node, string path, bool fallback)
    {
        var text = NullableString(node, path);
        if (text is null)
            return Required(node, path, fallback);
        // YAML 1.1 booleans, as YamlDotNet's deserializer read them before profiles were read from the node tree.
        if (TrueWords.Contains(text, StringComparer.OrdinalIgnoreCase))
            return true;
        if (FalseWords.Contains(text, StringComparer.OrdinalIgnoreCase))
            return false;
        Error(path, node, $"'{text}' is not true or false");
        return fallback;
    }

    public char Char(YamlNode node, string path, char fallback)
    {
        var text = NullableString(node, path);
        if (text is null)
            return Required(node, path, fallback);
        if (text.Length == 1)
            return text[0];
        Error(path, node, $"'{text}' must be a single character");
        return fallback;
    }

    public List<int> IntList(YamlNode node, string path, IReadOnlyList<int> fallback) =>
        List(node, path, fallback, (item, itemPath) => Int(item, itemPath, 0));

    public List<string> StringList(YamlNode node, string path, IReadOnlyList<string> fallback) =>
        List(node, path, fallback, (item, itemPath) => String(item, itemPath, ""));

    private int? ParseInt(string text, YamlNode node, string path)
    {
        if (int.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var n))
            return n;
        Error(path, node, $"'{text}' is not a whole number");
        return null;
    }

    /// <summary>A null value where the field has no "none": an error, since the validator and decoders rely on a value.</summary>
    private T Required<T>(YamlNode node, string path, T fallback)
    {
        if (node is YamlScalarNode)
            Error(path, node, "needs a value");
        return fallback;
    }

    private List<T> List<T>(YamlNode node, string path, IReadOnlyList<T> fallback, Func<YamlNode, string, T> item)
    {
        if (node is not YamlSequenceNode sequence)
        {
            Error(path, node, $"must be a list (e.g. [a, b]), not {Describe(node)}");
            return [.. fallback];
        }
        var list = new List<T>(sequence.Children.Count);
        for (var i = 0; i < sequence.Children.Count; i++)
            list.Add(item(sequence.Children[i], $"{path}[{i}]"));
        return list;
    }

    /// <summary>YAML 1.2 core schema nulls; a quoted scalar is always text.</summary>
    public static bool IsNull(YamlNode node) => node is YamlScalarNode
    {
        Style: not (YamlDotNet.Core.ScalarStyle.SingleQuoted or YamlDotNet.Core.ScalarStyle.DoubleQuoted),
        Value: null or "" or "~" or "null" or "Null" or "NULL",
    };

    private static string Describe(YamlNode node) => node switch
    {
        YamlScalarNode s => $"'{s.Value}'",
        YamlSequenceNode => "a list",
        YamlMappingNode => "a mapping",
        _ => "an alias",
    };

    private void Error(string path, YamlNode node, string message)
    {
        Failed = true;
        errors.Add(new ProfileError(file, path.Length == 0 ? "-" : path, $"line {node.Start.Line}, column {node.Start.Column}: {message}"));
    }
}
