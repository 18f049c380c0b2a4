namespace EdgeLab.Hub.Domain;

/// <summary>
/// HL7 v2 table 0544 "Container Condition" (SPM-28; v2.7+ codes; FHIR code system
/// http://terminology.hl7.org/CodeSystem/v2-0544): what the receiving lab saw on a box or tube at receipt.
/// </summary>
public static class ContainerCondition
{
    public const string System = "http://terminology.hl7.org/CodeSystem/v2-0544";

    private static readonly Dictionary<string, string> Displays = new(StringComparer.Ordinal)
    {
        ["CC"] = "Container Cracked",
        ["CL"] = "Container Leaking",
        ["CT"] = "Container Torn",
        ["SB"] = "Seal Broken",
        ["XAMB"] = "Not Ambient temperature",
        ["XC37"] = "Not Body temperature",
        ["XCAMB"] = "Not Critical Ambient temperature",
        ["XCATM"] = "Exposure to Air",
        ["XCFRZ"] = "Not Critical frozen temperature",
        ["XCREF"] = "Not Critical refrigerated temperature",
        ["XCUFRZ"] = "Not Critical ultra frozen temperature",
        ["XDRY"] = "Not Dry",
        ["XFRZ"] = "Not frozen temperature",
        ["XMTLF"] = "Not Metal Free",
        ["XNTR"] = "Not Liquid Nitrogen",
        ["XPRTL"] = "Not Protected from light",
        ["XREF"] = "Not refrigerated temperature",
        ["XSHK"] = "Shaken",
        ["XUFRZ"] = "Not Ultra frozen",
        ["XUPR"] = "Not upright",
    };

    public static bool IsKnown(string code) => Displays.ContainsKey(code);

    public static string? Display(string? code) => code is null ? null : Displays.GetValueOrDefault(code);

    public static IEnumerable<string> Codes => Displays.Keys;
}
