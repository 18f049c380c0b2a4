using EdgeLab.Hub.Auth;
using EdgeLab.Hub.Ingest;
using EdgeLab.Hub.Store;
using EdgeLab.Hub.Tests.Fhir;
using EdgeLab.Hub.Tests.Support;
using EdgeLab.LocalServices;
using Microsoft.Extensions.Logging.Abstractions;

namespace EdgeLab.Hub.Tests.Validation;

/// <summary>
/// Through ingest and the HTTP API (issue 13): gateway-shaped results over a real Mosquitto; the normal one is final in
/// FHIR at once, the abnormal one preliminary until a lab doctor releases it from the worklist; who may decide, and
/// that every decision and acknowledgement is audited.
/// </summary>
public sealed class ValidationApiTests
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(20);

    public static TheoryData<string> Providers => TestHub.Providers;

    [Theory]
    [MemberData(nameof(Providers))]
    public async Task Normal_results_are_final_in_FHIR_and_an_abnormal_one_is_preliminary_until_the_lab_doctor_releases_it(string provider)
    {
        await using var broker = await MosquittoProcess.StartAsync();
        await using var host = await ApiTestHost.StartAsync(provider);
        await using var connection = new HubMqttConnection(new HubMqttOptions { Host = broker.Host, Port = broker.Port, UserName = broker.HubCredentials.UserName, PasswordFile = broker.HubPasswordFile }, NullLogger<HubMqttConnection>.Instance, NullLoggerFactory.Instance, TimeProvider.System);
        var pipeline = new IngestPipeline(connection, host.Hub.Writer, new IngestOptions(), TimeProvider.System, NullLogger<IngestPipeline>.Instance);
        await connection.StartAsync(CancellationToken.None);
        await pipeline.StartAsync(CancellationToken.None);
        await using var gateway = await GatewayPeer.ConnectAsync(TestHub.Gateway, broker);
        var doctor = host.Client(await ApiTestHost.AddClientAsync(host.Hub, "lab-1-doctor", TestHub.Lab, [ApiScopes.ReadAll, ApiScopes.ResultsValidate]));
        var clinic = host.Client(host.ClinicToken);

        var reg = await host.Hub.RegisterAsync(["WBC", "HGB", "PLT"]);
        await gateway.PublishAsync(Messages.Cbc(1, reg.Specimens.Single().Id, hgb: "11.0"));
        await gateway.WaitForAcksAsync([1], Timeout);

        var observations = (await clinic.FetchAsync($"/fhir/Observation?patient={reg.Patient.Id}")).Body!["entry"]!.AsArray().Select(e => e!["resource"]!).ToList();
        Assert.Equal(3, observations.Count);
        string StatusOf(string loinc) => (string)observations.Single(o => (string?)o["code"]!["coding"]!.AsArray().First(c => (string?)c!["system"] == "http://loinc.org")!["code"] == loinc)["status"]!;
        Assert.Equal("final", StatusOf("6690-2")); // WBC
        Assert.Equal("final", StatusOf("777-3")); // PLT
        Assert.Equal("preliminary", StatusOf("718-7")); // HGB 110 g/L, below 120
        var report = (await clinic.FetchAsync($"/fhir/DiagnosticReport?patient={reg.Patient.Id}")).Body!["entry"]![0]!["resource"]!;
        Assert.Equal("partial", (string?)report["status"]);

        // The worklist: only for the validation scope, grouped by referral, with why it was held.
        Assert.Equal(403, (await host.Client(host.LabToken).FetchAsync("/api/validation/worklist")).Status);
        Assert.Equal(403, (await clinic.FetchAsync("/api/validation/worklist")).Status);
        var (status, worklist, _) = await doctor.FetchAsync("/api/validation/worklist");
        Assert.Equal(200, status);
        var group = Assert.Single(worklist!["referrals"]!.AsArray())!;
        Assert.Equal(reg.Referral.Id, (string?)group["referralId"]);
        var held = Assert.Single(group["results"]!.AsArray())!;
        Assert.Equal("HGB", (string?)held["catalogCode"]);
        Assert.Equal("outside-reference-range", (string?)held["holdReasons"]![0]);
        var id = (long)held["id"]!;
        // Filters run in the database: by reason (as the worklist spells it) and by part of the patient's name.
        Assert.Single((await doctor.FetchAsync("/api/validation/worklist?hold=outside-reference-range&q=иванова")).Body!["referrals"]!.AsArray());
        Assert.Empty((await doctor.FetchAsync("/api/validation/worklist?hold=critical")).Body!["referrals"]!.AsArray());
        var (badHold, badHoldOutcome, _) = await doctor.FetchAsync("/api/validation/worklist?hold=sometimes");
        Assert.Equal(400, badHold);
        Assert.Contains("outside-reference-range", badHoldOutcome!.ToJsonString(), StringComparison.Ordinal);

        Assert.Equal(403, (await host.Client(host.LabToken).PostJsonAsync($"/api/validation/results/{id}/release", "{}")).Status);
        var (rejectStatus, rejectOutcome, _) = await doctor.PostJsonAsync($"/api/validation/results/{id}/reject", "{}");
        Assert.Equal(422, rejectStatus);
        Assert.Contains("reason", rejectOutcome!.ToJsonString(), StringComparison.Ordinal);
        var (released, decision, _) = await doctor.PostJsonAsync($"/api/validation/results/{id}/release", "{}");
        Assert.Equal(200, released);
        Assert.Equal(("released", "final", "lab-1-doctor"), ((string?)decision!["validation"], (string?)decision["observationStatus"], (string?)decision["decidedBy"]));
        Assert.Equal(409, (await doctor.PostJsonAsync($"/api/validation/results/{id}/release", "{}")).Status);

        Assert.Equal("final", (string?)(await clinic.FetchAsync($"/fhir/Observation/{id}")).Body!["status"]);
        Assert.Equal("final", (string?)(await clinic.FetchAsync($"/fhir/DiagnosticReport?patient={reg.Patient.Id}")).Body!["entry"]![0]!["resource"]!["status"]);

        var audit = (await host.Hub.Store.QueryAuditAsync(new AuditQuery { ClientId = "lab-1-doctor" })).Items;
        Assert.Contains(audit, e => e.Action == "release" && e.ResourceType == "Observation" && e.ResourceId == id.ToString(System.Globalization.CultureInfo.InvariantCulture) && e.StatusCode == 200 && e.PatientId == reg.Patient.Id);
        Assert.Contains(audit, e => e.Action == "reject" && e.StatusCode == 422);
        Assert.Contains(audit, e => e.Action == "search" && e.ResourceType == "ValidationWorklist");
        await pipeline.StopAsync(CancellationToken.None);
        await connection.StopAsync(CancellationToken.None);
    }

    [Theory]
    [MemberData(nameof(Providers))]
    public async Task Critical_value_board_shows_the_clinic_to_call_and_an_acknowledgement_needs_the_read_back(string provider)
    {
        await using var host = await ApiTestHost.StartAsync(provider);
        var doctor = host.Client(await ApiTestHost.AddClientAsync(host.Hub, "lab-1-doctor", TestHub.Lab, [ApiScopes.ResultsValidate]));
        var reg = await host.Hub.RegisterAsync(["WBC", "HGB", "PLT"]);
        await host.Hub.Writer.WriteAsync([Messages.Envelope(Messages.Cbc(1, reg.Specimens.Single().Id, hgb: "6.0"))]);

        Assert.Equal(403, (await host.Client(host.ClinicToken).FetchAsync("/api/critical-values")).Status);
        var (status, board, _) = await doctor.FetchAsync("/api/critical-values");
        Assert.Equal(200, status);
        var item = Assert.Single(board!["items"]!.AsArray())!;
        Assert.Equal(("HGB", "LL", "held", "Clinic One"), ((string?)item["catalogCode"], (string?)item["interpretation"], (string?)item["validation"], (string?)item["orderingOrganizationName"]));
        var id = (long)item["id"]!;

        Assert.Equal(422, (await doctor.PostJsonAsync($"/api/critical-values/{id}/acknowledge", "{\"informedBy\":\"Сидорова А. А.\",\"informedWhom\":\"Петров П. П.\"}")).Status);
        Assert.Equal(422, (await doctor.PostJsonAsync($"/api/critical-values/{id}/acknowledge", "{\"informedBy\":\"Сидорова А. А.\",\"readBackConfirmed\":true}")).Status);
        var ack = "{\"informedBy\":\"Сидорова А. А., лаборант\",\"informedWhom\":\"Петров П. П., врач\",\"readBackConfirmed\":true}";
        Assert.Equal(204, (await doctor.PostJsonAsync($"/api/critical-values/{id}/acknowledge", ack)).Status);
        Assert.Equal(404, (await doctor.PostJsonAsync($"/api/critical-values/{id}/acknowledge", ack)).Status);
        Assert.Empty((await doctor.FetchAsync("/api/critical-values")).Body!["items"]!.AsArray());
        var audit = (await host.Hub.Store.QueryAuditAsync(new AuditQuery { ClientId = "lab-1-doctor" })).Items;
        Assert.Contains(audit, e => e.Action == "acknowledge" && e.ResourceType == "CriticalValue" && e.StatusCode == 200);
    }
}
