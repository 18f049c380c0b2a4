using System.Security.Cryptography;
using System.Text;

namespace EdgeLab.Hub.Web.Documents;

/// <summary>
/// The code printed on the patient's copy of the referral slip for the personal cabinet (issue 14: code + birth date).
/// 10 characters from an alphabet without look-alikes (no 0/O, 1/I/L), grouped 5-5 for reading aloud: 31^10 ≈ 8·10^14,
/// and the cabinet locks after a few wrong birth dates. Only the SHA-256 of the normalised code is stored.
/// </summary>
internal static class CabinetAccessCode
{
    private const string Alphabet = "23456789ABCDEFGHJKMNPQRSTUVWXYZ";
    public static readonly TimeSpan Lifetime = TimeSpan.FromDays(180);

    public static string Generate()
    {
        var chars = RandomNumberGenerator.GetItems<char>(Alphabet, 10);
        return $"{new string(chars, 0, 5)}-{new string(chars, 5, 5)}";
    }

    /// <summary>Upper case, without spaces and dashes, so "abcde fghjk" and "ABCDE-FGHJK" are one code.</summary>
    public static string Normalize(string code) =>
        new(code.Where(c => c is not ('-' or ' ')).Select(char.ToUpperInvariant).ToArray());

    public static string Hash(string code) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(Normalize(code))));
}
