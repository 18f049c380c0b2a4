using EdgeLab.LocalServices;

namespace EdgeLab.EndToEnd.Tests.Support;

/// <summary>
/// A throwaway certificate authority made with the openssl command line, as an operator makes one (README "Running the
/// production broker"): EC P-256 keys, a CA, certificates it signs, and a CRL kept with <c>openssl ca</c>.
/// </summary>
internal sealed class OpenSslPki(string directory)
{
    public string Directory { get; } = directory;

    public string PathOf(string file) => Path.Combine(Directory, file);

    /// <summary>A CA (<c>ca.crt</c>, <c>ca.key</c>) and an empty CRL (<c>ca.crl</c>).</summary>
    public static async Task<OpenSslPki> CreateAsync(string directory, string caName)
    {
        System.IO.Directory.CreateDirectory(directory);
        var pki = new OpenSslPki(directory);
        await pki.RunAsync("req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes",
            "-keyout", "ca.key", "-out", "ca.crt", "-days", "2", "-subj", "/CN=" + caName);
        await File.WriteAllTextAsync(pki.PathOf("index.txt"), "");
        await File.WriteAllTextAsync(pki.PathOf("crlnumber"), "01\n");
        await File.WriteAllTextAsync(pki.PathOf("ca.cnf"), $"""
            [ ca ]
            default_ca = edgelab
            [ edgelab ]
            database = {pki.PathOf("index.txt")}
            crlnumber = {pki.PathOf("crlnumber")}
            certificate = {pki.PathOf("ca.crt")}
            private_key = {pki.PathOf("ca.key")}
            default_md = sha256
            default_crl_days = 2
            """);
        await pki.RunAsync("ca", "-config", "ca.cnf", "-gencrl", "-out", "ca.crl");
        return pki;
    }

    /// <summary>
    /// Signs with a CA made elsewhere (e.g. <c>edgelab-hub ca init</c>: <c>ca.crt</c> and <c>ca.key</c> already in
    /// <paramref name="directory"/>): for the broker's and the hub's certificates beside the device certificates.
    /// </summary>
    public static OpenSslPki Adopt(string directory) => new(directory);

    /// <summary><c>name.crt</c> and <c>name.key</c> with the given CN: the broker's (an IP SAN) or a client's.</summary>
    public async Task IssueAsync(string name, string commonName, bool server = false)
    {
        await File.WriteAllTextAsync(PathOf(name + ".ext"), server ? $"subjectAltName=IP:{commonName}\n" : "extendedKeyUsage=clientAuth\n");
        await RunAsync("req", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes", "-keyout", name + ".key", "-out", name + ".csr", "-subj", "/CN=" + commonName);
        await RunAsync("x509", "-req", "-in", name + ".csr", "-CA", "ca.crt", "-CAkey", "ca.key", "-CAcreateserial", "-out", name + ".crt", "-days", "2", "-extfile", name + ".ext");
    }

    /// <summary>Revokes <c>name.crt</c> and rewrites <c>ca.crl</c>.</summary>
    public async Task RevokeAsync(string name)
    {
        await RunAsync("ca", "-config", "ca.cnf", "-revoke", name + ".crt");
        await RunAsync("ca", "-config", "ca.cnf", "-gencrl", "-out", "ca.crl");
    }

    private async Task RunAsync(params string[] args)
    {
        await using var p = ChildProcess.Start("openssl", args, workingDirectory: Directory, name: "openssl");
        Assert.True(await p.WaitForExitAsync(TimeSpan.FromSeconds(30)), "openssl hung");
        Assert.True(p.ExitCode == 0, $"openssl {string.Join(' ', args)}: {p.Output}");
    }
}
