using System.Text.Json.Serialization;

namespace EdgeLab.Hub.Fhir.Resources;

// FHIR R4 general-purpose data types (https://hl7.org/fhir/R4/datatypes.html), only the elements EdgeLab
// reads or writes. Primitives are kept as strings in their FHIR lexical form (date, dateTime, instant) so
// what goes on the wire is exactly what the spec's regexes allow; FhirDates formats and parses them.
// Repeating elements are null rather than empty: R4 §2.6.2 (JSON) forbids empty arrays.

/// <summary>R4 §2.24.0.6 Coding: a code from a code system.</summary>
internal sealed record Coding
{
    public string? System { get; init; }
    public string? Version { get; init; }
    public string? Code { get; init; }
    public string? Display { get; init; }
}

/// <summary>R4 §2.24.0.7 CodeableConcept: one or more codings plus plain text.</summary>
internal sealed record CodeableConcept
{
    public IReadOnlyList<Coding>? Coding { get; init; }
    public string? Text { get; init; }

    public static CodeableConcept Of(string system, string code, string? display = null) =>
        new() { Coding = [new Coding { System = system, Code = code, Display = display }] };

    public bool Has(string system, string code) =>
        Coding?.Any(c => c.System == system && c.Code == code) == true;
}

/// <summary>R4 §2.24.0.11 Identifier. <c>use</c> ∈ usual | official | temp | secondary | old.</summary>
internal sealed record Identifier
{
    public string? Use { get; init; }
    public CodeableConcept? Type { get; init; }
    public string? System { get; init; }
    public string? Value { get; init; }
    public Period? Period { get; init; }
    public Reference? Assigner { get; init; }
}

/// <summary>R4 §2.24.0.9 Quantity (also SimpleQuantity when <see cref="Comparator"/> is null).</summary>
internal sealed record Quantity
{
    public decimal? Value { get; init; }
    /// <summary><c>&lt;</c> | <c>&lt;=</c> | <c>&gt;=</c> | <c>&gt;</c>.</summary>
    public string? Comparator { get; init; }
    public string? Unit { get; init; }
    public string? System { get; init; }
    public string? Code { get; init; }
}

/// <summary>R4 §2.24.0.12 Range: low and high SimpleQuantity.</summary>
internal sealed record Range
{
    public Quantity? Low { get; init; }
    public Quantity? High { get; init; }
}

/// <summary>R4 §2.24.0.10 Period: start and end dateTime.</summary>
internal sealed record Period
{
    public string? Start { get; init; }
    public string? End { get; init; }
}

/// <summary>R4 §2.3.0 Reference: a literal reference (<c>Patient/123</c>, <c>urn:uuid:…</c>) and/or a logical one.</summary>
internal sealed record Reference
{
    [JsonPropertyName("reference")]
    public string? ReferenceValue { get; init; }
    public string? Type { get; init; }
    public Identifier? Identifier { get; init; }
    public string? Display { get; init; }

    public static Reference To(string resourceType, string id, string? display = null) =>
        new() { ReferenceValue = $"{resourceType}/{id}", Display = display };
}

/// <summary>R4 §2.24.0.13 HumanName. <c>use</c> ∈ usual | official | temp | nickname | anonymous | old | maiden.</summary>
internal sealed record HumanName
{
    public string? Use { get; init; }
    public string? Text { get; init; }
    public string? Family { get; init; }
    public IReadOnlyList<string>? Given { get; init; }
}

/// <summary>R4 §2.24.0.5 Annotation: a text note.</summary>
internal sealed record Annotation
{
    public required string Text { get; init; }
    public string? Time { get; init; }
}

/// <summary>R4 §2.36 Meta: version and last-updated instant of a resource.</summary>
internal sealed record Meta
{
    public string? VersionId { get; init; }
    public string? LastUpdated { get; init; }
    public IReadOnlyList<string>? Profile { get; init; }
    /// <summary>Tags (0..*), e.g. the СЭМД guide id on a Composition (Fhir/Semd).</summary>
    public IReadOnlyList<Coding>? Tag { get; init; }
}

/// <summary>R4 §2.24.0.3 Narrative is not produced; resources carry no <c>text</c> (dom-6 is a best-practice warning only).</summary>
internal static class ListExtensions
{
    /// <summary>FHIR JSON forbids empty arrays (R4 §2.6.2): an empty list becomes an absent element.</summary>
    public static IReadOnlyList<T>? NullIfEmpty<T>(this IEnumerable<T>? items)
    {
        if (items is null) return null;
        var list = items as IReadOnlyList<T> ?? items.ToList();
        return list.Count == 0 ? null : list;
    }
}
