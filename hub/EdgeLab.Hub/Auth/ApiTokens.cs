using System.Security.Cryptography;
using System.Text;

namespace EdgeLab.Hub.Auth;

/// <summary>
/// Bearer tokens for client systems: 32 random bytes, base64url, prefixed <c>elh_</c> so a leaked token is
/// recognisable in a secret scanner. Only the SHA-256 (hex, lower case) is stored; the token is shown once.
/// </summary>
internal static class ApiTokens
{
    public const string Prefix = "elh_";
    private const int RandomBytes = 32;

    public static string Generate()
    {
        Span<byte> bytes = stackalloc byte[RandomBytes];
        RandomNumberGenerator.Fill(bytes);
        return Prefix + Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');
    }

    /// <summary>Hex SHA-256 of the token's UTF-8 bytes (what the store keeps and looks up).</summary>
    public static string Hash(string token)
    {
        Span<byte> digest = stackalloc byte[SHA256.HashSizeInBytes];
        SHA256.HashData(Encoding.UTF8.GetBytes(token), digest);
        return Convert.ToHexStringLower(digest);
    }

    /// <summary>
    /// Constant-time comparison of a presented token with a stored hash. The store finds the row by hash (an index
    /// lookup whose timing reveals nothing about the token, since the attacker does not control the hash); this
    /// second check guards against a store that matched loosely (case, prefix) and keeps the compare timing-safe.
    /// </summary>
    public static bool Matches(string token, string storedSha256Hex)
    {
        Span<byte> presented = stackalloc byte[SHA256.HashSizeInBytes];
        SHA256.HashData(Encoding.UTF8.GetBytes(token), presented);
        Span<byte> stored = stackalloc byte[SHA256.HashSizeInBytes];
        if (storedSha256Hex.Length != SHA256.HashSizeInBytes * 2) return false;
        if (Convert.FromHexString(storedSha256Hex, stored, out _, out var written) != System.Buffers.OperationStatus.Done
            || written != stored.Length)
            return false;
        return CryptographicOperations.FixedTimeEquals(presented, stored);
    }

    /// <summary>A token is the prefix and 43 base64url characters; anything else is refused before hashing.</summary>
    public static bool LooksValid(string token) =>
        token.Length is > 8 and <= 256 && token.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.' or '~' or '+' or '/' or '=');
}
