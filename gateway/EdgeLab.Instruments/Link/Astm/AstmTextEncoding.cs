using System.Text;

namespace EdgeLab.Instruments.Link.Astm;

/// <summary>Maps a profile's encoding name (<c>latin1</c>, <c>utf-8</c>, <c>windows-1251</c>, …) to an <see cref="Encoding"/>.</summary>
internal static class AstmTextEncoding
{
    public static Encoding Resolve(string name)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        switch (name.Trim().ToLowerInvariant())
        {
            case "latin1" or "latin-1" or "iso-8859-1" or "iso8859-1":
                return Encoding.Latin1;
            case "utf-8" or "utf8":
                return new UTF8Encoding(encoderShouldEmitUTF8Identifier: false);
            case "ascii" or "us-ascii":
                return Encoding.ASCII;
            default:
                // Code pages such as windows-1251 (Cyrillic analyzers) come from the code-pages provider.
                Encoding.RegisterProvider(CodePagesEncodingProvider.Instance);
                return Encoding.GetEncoding(name);
        }
    }
}
