using System.Net.Sockets;
using System.Security.Cryptography;
using System.Text;

namespace EdgeLab.LocalServices;

/// <summary>A user name and password at the broker (each hub node and each gateway its own, DESIGN.md "Guarantees").</summary>
public sealed record MqttCredentials(string UserName, string Password)
{
    /// <summary>No secrets in test output.</summary>
    public override string ToString() => $"{UserName}:***";
}

/// <summary>
/// Lines of a Mosquitto <c>password_file</c>, made here instead of by <c>mosquitto_passwd</c>: Mosquitto 2.0's
/// <c>$7$</c> format is PBKDF2-HMAC-SHA512, <c>user:$7$iterations$base64(salt)$base64(hash)</c> with a 12-byte salt and
/// a 64-byte hash (mosquitto 2.0.11 src/password_mosq.c; checked against its own output here).
/// </summary>
public static class MosquittoPasswords
{
    private const int Iterations = 101;

    /// <summary>A fresh random password: 24 bytes of entropy, URL-safe text.</summary>
    public static string NewPassword() => Convert.ToBase64String(RandomNumberGenerator.GetBytes(24)).Replace('+', '-').Replace('/', '_');

    public static string Line(string userName, string password)
    {
        if (userName.Contains(':', StringComparison.Ordinal) || userName.Any(char.IsControl))
            throw new ArgumentException($"user name '{userName}' cannot be written to a password file", nameof(userName));
        var salt = RandomNumberGenerator.GetBytes(12);
        var hash = Rfc2898DeriveBytes.Pbkdf2(Encoding.UTF8.GetBytes(password), salt, Iterations, HashAlgorithmName.SHA512, 64);
        return $"{userName}:$7${Iterations}${Convert.ToBase64String(salt)}${Convert.ToBase64String(hash)}";
    }

    /// <summary>
    /// CONNECT (MQTT 3.1.1 §3.1, clean session) with the credentials, and the CONNACK return code (§3.2.2.3: 0 accepted,
    /// 4 bad user name or password, 5 not authorized), then DISCONNECT. Used to know a reload has taken effect, since
    /// Mosquitto logs "Reloading config." only at the information level.
    /// </summary>
    public static async Task<int> ProbeConnectAsync(string host, int port, MqttCredentials credentials, CancellationToken cancellationToken)
    {
        using var tcp = new TcpClient { NoDelay = true };
        await tcp.ConnectAsync(host, port, cancellationToken).ConfigureAwait(false);
        var stream = tcp.GetStream();
        var body = new List<byte> { 0, 4, (byte)'M', (byte)'Q', (byte)'T', (byte)'T', 4, 0b1100_0010, 0, 10 };
        AppendString(body, "edgelab-probe-" + Guid.NewGuid().ToString("N")[..12]);
        AppendString(body, credentials.UserName);
        AppendString(body, credentials.Password);
        var packet = new List<byte> { 0x10 };
        for (var length = body.Count; ;)
        {
            var digit = (byte)(length % 128);
            length /= 128;
            packet.Add(length > 0 ? (byte)(digit | 0x80) : digit);
            if (length == 0) break;
        }
        packet.AddRange(body);
        await stream.WriteAsync(packet.ToArray(), cancellationToken).ConfigureAwait(false);
        var connAck = new byte[4];
        await stream.ReadExactlyAsync(connAck, cancellationToken).ConfigureAwait(false);
        if (connAck[0] != 0x20 || connAck[1] != 2) throw new IOException($"mosquitto answered CONNECT with {connAck[0]:X2} {connAck[1]:X2}, not a CONNACK");
        if (connAck[3] == 0) await stream.WriteAsync(new byte[] { 0xE0, 0 }, cancellationToken).ConfigureAwait(false);
        return connAck[3];
    }

    private static void AppendString(List<byte> to, string text)
    {
        var bytes = Encoding.UTF8.GetBytes(text);
        to.Add((byte)(bytes.Length >> 8));
        to.Add((byte)bytes.Length);
        to.AddRange(bytes);
    }
}
