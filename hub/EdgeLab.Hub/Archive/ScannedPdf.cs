using System.Security.Cryptography;
using System.Text;
using System.Text.RegularExpressions;

namespace EdgeLab.Hub.Archive;

/// <summary>
/// Checks an uploaded scan and measures it: a PDF (ISO 32000-1 §7.5.2: the file starts with <c>%PDF-</c>), its SHA-256
/// and its page count — the page objects (§7.7.3.3, <c>/Type /Page</c>, not <c>/Pages</c>). Scanners write plain page
/// objects; a PDF whose pages sit only in compressed object streams (§7.5.7) counts none and is refused with that reason.
/// </summary>
internal static partial class ScannedPdf
{
    public const long MaxBytes = 64L * 1024 * 1024;

    public static (string Sha256, int Pages)? Measure(byte[] content, out string? problem)
    {
        problem = null;
        if (content.Length < 8 || !content.AsSpan(0, 5).SequenceEqual("%PDF-"u8)) { problem = "the body is not a PDF (no %PDF- header)"; return null; }
        var pages = PageObject().Count(Encoding.Latin1.GetString(content));
        if (pages == 0) { problem = "no page objects found (pages only in compressed object streams are not read)"; return null; }
        return (Convert.ToHexStringLower(SHA256.HashData(content)), pages);
    }

    [GeneratedRegex(@"/Type\s*/Page(?![A-Za-z])")]
    private static partial Regex PageObject();
}
