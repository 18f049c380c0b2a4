using System.Net;
using System.Net.Sockets;
using System.Text.Json;
using EdgeLab.Gateway.Tests.Support;
using EdgeLab.LocalServices;

namespace EdgeLab.Gateway.Tests.HostQuery;

/// <summary>
/// The built simulator (<c>edgelab-simulator query</c>, an HL7 reading written apart from the gateway's) against the
/// real gateway over MLLP on TCP, for Mindray's QRY^Q02 and HL7 v2.5 QBP^Q11: a cached order comes back, an unknown
/// specimen is "nothing known", a profile with <c>hostQuery: false</c> is refused (AR, condition 200), and a host
/// that never answers ends in the timeout exit code.
/// </summary>
public sealed class Hl7HostQuerySimulatorTests(Hl7QueryGatewayFixture fixture) : IClassFixture<Hl7QueryGatewayFixture>
{
    // Exit codes documented in gateway/EdgeLab.Simulator/README.md (QueryExitCodes).
    private const int Order = 0, NothingKnown = 3, Refused = 4, Timeout = 5;

    private async Task<(int Exit, JsonElement Answer, string Output)> QueryAsync(string profile, string specimen, params string[] extra)
    {
        string[] args = ["query", "--specimen", specimen, "--profile", profile, "--profiles-dir", fixture.ProfilesDirectory,
            "--tcp-connect", $"127.0.0.1:{fixture.Ports[profile]}", "--reply-timeout", "60", .. extra];
        return await RunSimulatorAsync(args, () => string.Join('\n', fixture.Gateway.App.Logs.Tail(20)));
    }

    private static async Task<(int Exit, JsonElement Answer, string Output)> RunSimulatorAsync(string[] args, Func<string>? context = null)
    {
        await using var simulator = EdgeLabComponents.Start(EdgeLabComponents.Simulator, args, name: "simulator-query");
        Assert.True(await simulator.WaitForExitAsync(TimeSpan.FromSeconds(120)), simulator.Output);
        // The exit can be seen before the last stdout line is read: wait for the JSON line itself.
        await Eventually.TrueAsync(() => JsonLine(simulator.Output) is not null,
            () => $"one JSON object on stdout; exit {simulator.ExitCode}; output:\n{simulator.Output}\ngateway log:\n{context?.Invoke()}");
        using var doc = JsonDocument.Parse(JsonLine(simulator.Output)!);
        return (simulator.ExitCode, doc.RootElement.Clone(), simulator.Output);
    }

    private static string? JsonLine(string output) =>
        output.Split('\n').Select(l => l.TrimEnd('\r')).SingleOrDefault(l => l.StartsWith('{') && l.EndsWith('}'));

    private static string[] Strings(JsonElement array) => [.. array.EnumerateArray().Select(e => e.GetString()!)];

    [Fact]
    public async Task QRY_Q02_for_a_cached_order_prints_the_patient_and_the_Mindray_test_codes()
    {
        var (exit, answer, output) = await QueryAsync(Hl7QueryGatewayFixture.QryProfile, Hl7QueryGatewayFixture.KnownSpecimen);

        Assert.True(exit == Order, output);
        Assert.Equal("QRY^Q02", answer.GetProperty("query").GetString());
        Assert.Equal("order", answer.GetProperty("outcome").GetString());
        Assert.Equal(["QCK^Q02", "DSR^Q03"], Strings(answer.GetProperty("answer")));
        Assert.Equal(Hl7QueryGatewayFixture.KnownSpecimen, answer.GetProperty("specimen").GetString());
        // Only the tests with a code for this profile, in the analyzer's codes; GLU has none for the Mindray.
        Assert.Equal(["WBC", "HGB"], Strings(answer.GetProperty("tests")));
        var patient = answer.GetProperty("patient");
        Assert.Equal("P-SYNTH-42", patient.GetProperty("id").GetString());
        Assert.Equal("Simulova Vera", patient.GetProperty("name").GetString());
        Assert.Equal("1984-03-09", patient.GetProperty("birthDate").GetString());
        Assert.Equal("F", patient.GetProperty("sex").GetString());
        Assert.Equal("stat", answer.GetProperty("priority").GetString());
        Assert.Equal("Blood", answer.GetProperty("specimenType").GetString());
    }

    [Fact]
    public async Task QBP_Q11_for_a_cached_order_prints_the_patient_and_the_tests_of_RSP_K11()
    {
        var (exit, answer, output) = await QueryAsync(Hl7QueryGatewayFixture.QbpProfile, Hl7QueryGatewayFixture.KnownSpecimen);

        Assert.True(exit == Order, output);
        Assert.Equal("QBP^Q11", answer.GetProperty("query").GetString());
        Assert.Equal("order", answer.GetProperty("outcome").GetString());
        Assert.Equal(["RSP^K11"], Strings(answer.GetProperty("answer")));
        Assert.Equal("OK", answer.GetProperty("queryStatus").GetString());
        Assert.Equal(["6690-2", "718-7"], Strings(answer.GetProperty("tests")));
        var patient = answer.GetProperty("patient");
        Assert.Equal("P-SYNTH-42", patient.GetProperty("id").GetString());
        Assert.Equal("Simulova Vera", patient.GetProperty("name").GetString());
        Assert.Equal("1984-03-09", patient.GetProperty("birthDate").GetString());
        Assert.Equal("stat", answer.GetProperty("priority").GetString());
    }

    [Theory]
    [InlineData(Hl7QueryGatewayFixture.QryProfile, "QCK^Q02")]
    [InlineData(Hl7QueryGatewayFixture.QbpProfile, "RSP^K11")]
    public async Task An_unknown_specimen_is_nothing_known_as_the_gateway_answers_QAK_NF(string profile, string answerType)
    {
        var (exit, answer, output) = await QueryAsync(profile, "2611229999");

        Assert.True(exit == NothingKnown, output);
        Assert.Equal("no-order", answer.GetProperty("outcome").GetString());
        Assert.Equal([answerType], Strings(answer.GetProperty("answer")));
        Assert.Equal("NF", answer.GetProperty("queryStatus").GetString());
        Assert.Equal("AA", answer.GetProperty("ack").GetProperty("code").GetString());
        Assert.False(answer.TryGetProperty("tests", out _));
    }

    [Theory]
    [InlineData(Hl7QueryGatewayFixture.QryOffProfile, "QRY^Q02", "ACK^Q02")]
    [InlineData(Hl7QueryGatewayFixture.QbpOffProfile, "QBP^Q11", "ACK^Q11")]
    public async Task With_hostQuery_false_the_query_is_refused_AR_condition_200_even_for_a_cached_order(string profile, string query, string answerType)
    {
        var (exit, answer, output) = await QueryAsync(profile, Hl7QueryGatewayFixture.KnownSpecimen);

        Assert.True(exit == Refused, output);
        Assert.Equal(query, answer.GetProperty("query").GetString());
        Assert.Equal("refused", answer.GetProperty("outcome").GetString());
        Assert.Equal([answerType], Strings(answer.GetProperty("answer")));
        var ack = answer.GetProperty("ack");
        Assert.Equal("AR", ack.GetProperty("code").GetString());
        Assert.Equal(200, ack.GetProperty("condition").GetInt32());
        Assert.Equal("Unsupported message type", ack.GetProperty("conditionText").GetString());
        Assert.False(answer.TryGetProperty("tests", out _));
    }

    [Theory]
    [InlineData("qry")]
    [InlineData("qbp")]
    public async Task A_host_that_accepts_the_connection_and_never_answers_ends_in_the_timeout_exit_code(string form)
    {
        using var silent = new TcpListener(IPAddress.Loopback, 0);
        silent.Start();
        var port = ((IPEndPoint)silent.LocalEndpoint).Port;
        var accepted = silent.AcceptTcpClientAsync();
        var received = new MemoryStream();
        var reading = Task.Run(async () =>
        {
            using var client = await accepted;
            var buffer = new byte[4096];
            int n;
            while ((n = await client.GetStream().ReadAsync(buffer)) > 0) received.Write(buffer, 0, n);
        });

        var (exit, answer, output) = await RunSimulatorAsync(
            ["query", "--specimen", "2611220042", "--hl7-query", form, "--tcp-connect", $"127.0.0.1:{port}", "--reply-timeout", "2"]);
        await reading.WaitAsync(TimeSpan.FromSeconds(30)); // the simulator closed its end

        Assert.True(exit == Timeout, output);
        Assert.Equal("timeout", answer.GetProperty("outcome").GetString());
        Assert.Empty(answer.GetProperty("answer").EnumerateArray());
        Assert.Contains("did not answer within 2 s", answer.GetProperty("error").GetProperty("message").GetString(), StringComparison.Ordinal);
        // The query did go out, as one MLLP block.
        var wire = received.ToArray();
        Assert.Equal(0x0B, wire[0]);
        Assert.Equal([0x1C, 0x0D], wire[^2..]);
    }
}
