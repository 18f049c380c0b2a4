using System.Net;
using System.Text;
using EdgeLab.Hub.Fhir.Resources;

namespace EdgeLab.Hub.Fhir.Semd;

/// <summary>
/// The human-readable text of the document's sections (R4 §2.24.0.3 Narrative, status <c>generated</c>): an XHTML div in
/// the XHTML namespace with plain tables only (txt-1: no scripts, forms or event attributes; txt-2: non-empty). Every
/// value is escaped; FHIR's XHTML allows no named entities besides the XML ones, which is all HtmlEncode writes.
/// </summary>
internal static class SemdNarrative
{
    public static Narrative Paragraph(string text) => Wrap("<p>" + WebUtility.HtmlEncode(text) + "</p>");

    public static Narrative Table(IReadOnlyList<string> header, IEnumerable<IReadOnlyList<string>> rows)
    {
        var html = new StringBuilder("<table><thead><tr>");
        foreach (var h in header) html.Append("<th>").Append(WebUtility.HtmlEncode(h)).Append("</th>");
        html.Append("</tr></thead><tbody>");
        foreach (var row in rows)
        {
            html.Append("<tr>");
            foreach (var cell in row) html.Append("<td>").Append(WebUtility.HtmlEncode(cell)).Append("</td>");
            html.Append("</tr>");
        }
        html.Append("</tbody></table>");
        return Wrap(html.ToString());
    }

    private static Narrative Wrap(string inner) => new()
    {
        Status = "generated",
        Div = "<div xmlns=\"http://www.w3.org/1999/xhtml\">" + inner + "</div>",
    };
}
