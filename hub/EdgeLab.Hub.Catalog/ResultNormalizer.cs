using System.Globalization;
using EdgeLab.Contract;
using EdgeLab.Hub.Domain;

namespace EdgeLab.Hub.Catalog;

/// <summary>A result item converted into the catalog's terms.</summary>
public readonly record struct NormalizedValue(
    decimal? Numeric,
    string? Comparator,
    string? Unit,
    decimal? ReferenceLow,
    decimal? ReferenceHigh,
    string? ReferenceText,
    string? Interpretation,
    ResultStatus Status,
    string? Review = null);

/// <summary>
/// Normalization of one analyzer result: unit conversion by the catalog factor, the reference range for the patient's
/// sex and age, and the interpretation. The analyzer's own flags are kept apart; the hub computes L/H/LL/HH/N when the
/// analyzer gives none, and a crossed critical limit always yields LL/HH (a critical value must never hide behind an
/// analyzer's plain H).
/// </summary>
/// <remarks>
/// Unit safety (issue 10, item 3): a number is only compared with the catalog's range once its unit is known. When
/// the catalog expects a unit from this analyzer and none came, the value is stored as sent, with the analyzer's own
/// flag and range, and marked for review — never converted by guess, never interpreted by the hub, so never critical.
/// A mapping without a unit states that the analyzer sends none (its factor then applies).
/// </remarks>
public static class ResultNormalizer
{
    private static readonly string[] StandardFlags = [InterpretationCodes.CriticalLow, InterpretationCodes.CriticalHigh, InterpretationCodes.Low, InterpretationCodes.High, InterpretationCodes.Normal, InterpretationCodes.Abnormal];

    /// <summary>False when the analyzer's unit is neither the mapping's unit nor the catalog's (converting would guess).</summary>
    public static bool TryNormalize(TestDefinition test, InstrumentTestCode mapping, ResultItem item, Sex sex, int ageYears, out NormalizedValue value)
    {
        value = default;
        var status = MapStatus(item.Status);
        var analyzerFlag = item.Flags.Select(f => f.Trim().ToUpperInvariant()).FirstOrDefault(f => StandardFlags.Contains(f));
        var (numeric, comparator) = ParseValue(item.Value, item.Comparator);
        if (test.ValueType == "quantity" && string.IsNullOrWhiteSpace(item.Units) && mapping.Unit is not null)
        {
            value = new NormalizedValue(numeric, comparator, null, null, null, NullIfBlank(item.ReferenceRange),
                status == ResultStatus.Cancelled ? null : analyzerFlag, status,
                $"no unit sent for {item.Code} (the catalog expects {mapping.Unit} from {mapping.Profile}): not converted to {test.Unit} and not interpreted; check the analyzer's unit setting");
            return true;
        }
        if (!TryFactor(test, mapping, item.Units, out var factor)) return false;
        if (numeric is { } n && test.ValueType == "quantity") numeric = n * factor;
        else if (test.ValueType == "coded") numeric = null;

        var rule = test.ReferenceRanges.FirstOrDefault(r => r.Applies(sex, ageYears));
        decimal? low = rule?.Low, high = rule?.High;
        // The range text shown beside the value must be in the value's unit (issue 10, item 8: "HGB 12.0-17.5 beside
        // 120–150 g/L"): the catalog's own text, else the analyzer's range converted with the value, else the
        // analyzer's text only when no conversion happened.
        var refText = rule?.Text;
        if (rule is null && test.ValueType == "quantity")
        {
            if (TryParseRange(item.ReferenceRange, out var aLow, out var aHigh))
            {
                low = aLow * factor;
                high = aHigh * factor;
            }
            else if (factor == 1m) refText = NullIfBlank(item.ReferenceRange);
        }
        if (test.ValueType == "coded") refText ??= test.NormalText ?? NullIfBlank(item.ReferenceRange);
        else if (test.ValueType != "quantity" && rule is null) refText ??= NullIfBlank(item.ReferenceRange);

        var computed = Interpret(test, numeric, comparator, low, high, item.Value);
        var interpretation = computed is InterpretationCodes.CriticalLow or InterpretationCodes.CriticalHigh
            ? computed
            : analyzerFlag ?? computed;
        if (status == ResultStatus.Cancelled) interpretation = null;
        value = new NormalizedValue(numeric, comparator, test.Unit, low, high, refText, interpretation, status);
        return true;
    }

    private static string? NullIfBlank(string? text) => string.IsNullOrWhiteSpace(text) ? null : text.Trim();

    /// <summary>LIS02-A2 §9.9 (R-9 result status) and HL7 v2.5 OBX-11 to the stored status.</summary>
    public static ResultStatus MapStatus(string? status) => status?.Trim().ToUpperInvariant() switch
    {
        "C" => ResultStatus.Corrected,
        "P" or "I" or "S" or "W" or "R" => ResultStatus.Preliminary,
        "X" or "D" => ResultStatus.Cancelled,
        _ => ResultStatus.Final,
    };

    /// <summary>
    /// The value's number and comparator. Gateways send the value as the analyzer wrote it (<c>&lt;1.1</c>) together
    /// with the comparator they parsed (<c>&lt;</c>), so the text's own comparator is always stripped; the gateway's
    /// wins when both are there. Only R4's QuantityComparator codes are kept: <c>=</c> is dropped, and <c>&lt;&gt;</c>
    /// ("not equal") has no Quantity form, so such a value stays text.
    /// </summary>
    public static (decimal? Numeric, string? Comparator) ParseValue(string raw, string? comparator)
    {
        var text = raw.Trim();
        foreach (var c in (ReadOnlySpan<string>)["<=", ">=", "<>", "<", ">", "="])
        {
            if (text.StartsWith(c, StringComparison.Ordinal))
            {
                comparator ??= c;
                text = text[c.Length..].Trim();
                break;
            }
        }
        comparator = comparator?.Trim();
        if (comparator == "<>") return (null, null);
        if (comparator is not ("<" or "<=" or ">=" or ">")) comparator = null;
        text = text.Replace(',', '.');
        return decimal.TryParse(text, NumberStyles.AllowLeadingSign | NumberStyles.AllowDecimalPoint | NumberStyles.AllowExponent, CultureInfo.InvariantCulture, out var n)
            ? (n, comparator)
            : (null, comparator);
    }

    /// <summary>Parses <c>4.00-10.00</c>, <c>110 - 150</c>, <c>-1.5-2</c>.</summary>
    public static bool TryParseRange(string? range, out decimal low, out decimal high)
    {
        low = high = 0;
        if (string.IsNullOrWhiteSpace(range)) return false;
        var text = range.Trim();
        var dash = text.IndexOf('-', 1);
        if (dash <= 0) return false;
        return decimal.TryParse(text[..dash].Trim(), NumberStyles.Number, CultureInfo.InvariantCulture, out low)
            && decimal.TryParse(text[(dash + 1)..].Trim(), NumberStyles.Number, CultureInfo.InvariantCulture, out high)
            && low <= high;
    }

    private static bool TryFactor(TestDefinition test, InstrumentTestCode mapping, string? units, out decimal factor)
    {
        factor = mapping.Factor;
        if (string.IsNullOrWhiteSpace(units) || mapping.Unit is null) return true;
        var u = units.Trim();
        if (string.Equals(u, mapping.Unit, StringComparison.OrdinalIgnoreCase)) return true;
        if (test.Unit is not null && string.Equals(u, test.Unit, StringComparison.OrdinalIgnoreCase))
        {
            factor = 1m;
            return true;
        }
        return false;
    }

    private static string? Interpret(TestDefinition test, decimal? numeric, string? comparator, decimal? low, decimal? high, string raw)
    {
        if (test.ValueType == "coded")
        {
            if (test.NormalText is null) return null;
            var v = raw.Trim();
            if (v.Length == 0) return null;
            return string.Equals(v, test.NormalText, StringComparison.OrdinalIgnoreCase) ? InterpretationCodes.Normal : InterpretationCodes.Abnormal;
        }
        if (numeric is not { } n) return null;
        // With a comparator the true value is only bounded: "<2" is certainly low when 2 ≤ low, otherwise unknown.
        var below = comparator is "<" or "<=";
        var above = comparator is ">" or ">=";
        if (test.CriticalLow is { } cl && n <= cl && !above) return InterpretationCodes.CriticalLow;
        if (test.CriticalHigh is { } ch && n >= ch && !below) return InterpretationCodes.CriticalHigh;
        if (low is { } lo && n < lo && !above) return InterpretationCodes.Low;
        if (high is { } hi && n > hi && !below) return InterpretationCodes.High;
        if (comparator is not null) return null;
        return low is null && high is null ? null : InterpretationCodes.Normal;
    }
}
