using System.Diagnostics;
using System.Text.Json.Nodes;
using EdgeLab.Hub.Domain;
using EdgeLab.Hub.Store;
using EdgeLab.Hub.Tests.Fhir;
using EdgeLab.Hub.Tests.Fhir.Conformance;
using EdgeLab.Hub.Tests.Support;

namespace EdgeLab.Hub.Tests.Transfers;

/// <summary>
/// Issue 15 §1 on the FHIR API: Task read and search (owner, requester, status, focus, _lastUpdated, paging) in the
/// Clinical Order Workflows IG's reference-lab shape, SupplyDelivery for the box, the aliquot Specimen with its parent read
/// by the receiving lab, scope (another clinic sees nothing), audit, and every payload valid against R4. Then the box
/// manifest as PDF (read back with pdftotext), JSON and CSV, and turnaround per route. Both databases.
/// </summary>
public sealed class TransferFhirTests
{
    private const string LabB = "lab-2";

    public static TheoryData<string> Providers => TestHub.Providers;

    [Theory]
    [MemberData(nameof(Providers))]
    public async Task Tasks_and_boxes_are_read_and_searched_in_FHIR_scoped_audited_and_valid_against_R4(string provider)
    {
        await using var host = await ApiTestHost.StartAsync(provider);
        var hub = host.Hub;
        await hub.Store.UpsertOrganizationAsync(new Organization { Id = LabB, Name = "Лаборатория Б", Kind = OrganizationKind.Lab });
        var labB = host.Client(await ApiTestHost.AddClientAsync(hub, "lab-2-lis", LabB, ["system/*.read", "system/Task.*", "system/SupplyDelivery.*"]));
        var labA = host.Client(host.LabToken);
        var registered = await hub.RegisterAsync(["WBC", "HGB"]);
        var tube = registered.Specimens.Single().Id;
        var referral = registered.Referral.Id;
        var payloads = new List<(string, JsonNode)>();

        var (_, sent, _) = await labA.PostJsonAsync("/api/transfers", $$"""{"specimenId":"{{tube}}","testCodes":["WBC","HGB"],"toLabId":"{{LabB}}","aliquot":true}""");
        var aliquot = sent!["aliquotId"]!.GetValue<string>();
        var (_, awaiting, _) = await labA.FetchAsync($"/fhir/Task?requester={TestHub.Lab}&status=requested");
        Assert.Equal(2, awaiting!["total"]!.GetValue<int>());
        Assert.All(awaiting["entry"]!.AsArray(), e => Assert.Equal("awaiting-shipment", e!["resource"]!["businessStatus"]!["coding"]![0]!["code"]!.GetValue<string>()));
        payloads.Add(("Task search requested", awaiting));

        var (_, box, _) = await labA.PostJsonAsync("/api/boxes", """{"barcode":"BOX-FHIR-1","toLabId":"lab-2","capacity":10,"temperature":"frozen"}""");
        var boxId = box!["id"]!.GetValue<string>();
        await labA.PostJsonAsync($"/api/boxes/{boxId}/tubes", $$"""{"barcode":"{{aliquot}}"}""");
        await labA.PostJsonAsync($"/api/boxes/{boxId}/dispatch", "{}");
        hub.Time.Advance(TimeSpan.FromHours(5));
        Assert.Equal(200, (await labB.PostJsonAsync("/api/receipts", """{"barcode":"BOX-FHIR-1","condition":"XFRZ"}""")).Status);

        // Task?owner= with paging: two Tasks, one per page, the next link carries the cursor.
        var (_, first, _) = await labB.FetchAsync($"/fhir/Task?owner=Organization/{LabB}&_count=1");
        Assert.Single(first!["entry"]!.AsArray());
        var next = first["link"]!.AsArray().Single(l => l!["relation"]!.GetValue<string>() == "next")!["url"]!.GetValue<string>();
        var (_, second, _) = await labB.FetchAsync(new Uri(next).PathAndQuery);
        Assert.Single(second!["entry"]!.AsArray());
        Assert.DoesNotContain(second["link"]!.AsArray(), l => l!["relation"]!.GetValue<string>() == "next");
        var task = first["entry"]![0]!["resource"]!;
        Assert.NotEqual(task["id"]!.GetValue<string>(), second["entry"]![0]!["resource"]!["id"]!.GetValue<string>());
        Assert.Equal(("accepted", "received", "order"), (task["status"]!.GetValue<string>(), task["businessStatus"]!["coding"]![0]!["code"]!.GetValue<string>(), task["intent"]!.GetValue<string>()));
        Assert.Equal((LabB, TestHub.Lab), (task["owner"]!["identifier"]!["value"]!.GetValue<string>(), task["requester"]!["identifier"]!["value"]!.GetValue<string>()));
        Assert.Equal($"Patient/{registered.Patient.Id}", task["for"]!["reference"]!.GetValue<string>());
        Assert.StartsWith($"ServiceRequest/{referral}.", task["focus"]!["reference"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Equal(task["focus"]!.ToJsonString(), task["basedOn"]![0]!.ToJsonString());
        Assert.Contains(task["input"]!.AsArray(), i => i!["valueReference"]?["reference"]?.GetValue<string>() == $"Specimen/{aliquot}");
        Assert.Contains(task["input"]!.AsArray(), i => i!["valueReference"]?["reference"]?.GetValue<string>() == $"SupplyDelivery/{boxId}");
        Assert.Equal("XFRZ", task["output"]![0]!["valueCodeableConcept"]!["coding"]![0]!["code"]!.GetValue<string>());
        payloads.AddRange([("Task search page 1", first), ("Task search page 2", second)]);

        // focus, status and _lastUpdated narrow it; the ordering clinic reads the Task, another clinic does not.
        var hgbTask = (await labA.FetchAsync($"/fhir/Task?focus=ServiceRequest/{referral}.HGB")).Body!["entry"]!.AsArray().Single()!["resource"]!;
        Assert.Equal($"ServiceRequest/{referral}.HGB", hgbTask["focus"]!["reference"]!.GetValue<string>());
        Assert.Null((await labA.FetchAsync("/fhir/Task?status=completed")).Body!["entry"]);
        Assert.Null((await labA.FetchAsync("/fhir/Task?_lastUpdated=lt2020-01-01")).Body!["entry"]);
        Assert.Equal(2, (await labA.FetchAsync("/fhir/Task?_lastUpdated=ge2026-11-21")).Body!["total"]!.GetValue<int>());
        var hgbId = hgbTask["id"]!.GetValue<string>();
        var (clinicStatus, read, _) = await host.Client(host.ClinicToken).FetchAsync($"/fhir/Task/{hgbId}");
        Assert.Equal(200, clinicStatus);
        Assert.Equal(404, (await host.Client(host.OtherClinicToken).FetchAsync($"/fhir/Task/{hgbId}")).Status);
        Assert.Null((await host.Client(host.OtherClinicToken).FetchAsync("/fhir/Task")).Body!["entry"]);
        Assert.Equal(400, (await labA.FetchAsync("/fhir/Task?status=draftish")).Status);
        payloads.Add(("Task read", read!));

        // The box as SupplyDelivery: completed once received, by supplier and receiver; the clinic has no box to see.
        var (_, delivery, _) = await labB.FetchAsync($"/fhir/SupplyDelivery/{boxId}");
        Assert.Equal(("completed", "BOX-FHIR-1", 1m), (delivery!["status"]!.GetValue<string>(), delivery["identifier"]![0]!["value"]!.GetValue<string>(), delivery["suppliedItem"]!["quantity"]!["value"]!.GetValue<decimal>()));
        Assert.Equal("frozen", delivery["suppliedItem"]!["itemCodeableConcept"]!["coding"]![0]!["code"]!.GetValue<string>());
        var (_, deliveries, _) = await labA.FetchAsync($"/fhir/SupplyDelivery?status=completed&supplier={TestHub.Lab}&receiver={LabB}");
        Assert.Single(deliveries!["entry"]!.AsArray());
        Assert.Null((await labA.FetchAsync("/fhir/SupplyDelivery?status=in-progress")).Body!["entry"]);
        Assert.Equal(404, (await host.Client(host.ClinicToken).FetchAsync($"/fhir/SupplyDelivery/{boxId}")).Status);
        payloads.AddRange([("SupplyDelivery read", delivery), ("SupplyDelivery search", deliveries)]);

        // The receiving lab reads the aliquot and its parent link.
        var (specimenStatus, specimen, _) = await labB.FetchAsync($"/fhir/Specimen/{aliquot}");
        Assert.Equal(200, specimenStatus);
        Assert.Equal($"Specimen/{tube}", specimen!["parent"]![0]!["reference"]!.GetValue<string>());
        payloads.Add(("Specimen aliquot", specimen));

        // Rejection: the Task fails with the reason as statusReason; the tube is unsatisfactory.
        await labB.PostJsonAsync($"/api/transfers/{hgbId}/reject", """{"reason":"Гемолиз"}""");
        var (_, failed, _) = await labA.FetchAsync($"/fhir/Task/{hgbId}");
        Assert.Equal(("failed", "Гемолиз", "specimen-rejected"), (failed!["status"]!.GetValue<string>(), failed["statusReason"]!["text"]!.GetValue<string>(), failed["businessStatus"]!["coding"]![0]!["code"]!.GetValue<string>()));
        payloads.Add(("Task failed", failed));

        var audit = (await hub.Store.QueryAuditAsync(new AuditQuery())).Items;
        Assert.Contains(audit, e => (e.ResourceType, e.Action, e.ResourceId, e.PatientId, e.StatusCode) == ("Task", "read", hgbId, registered.Patient.Id, 200));
        Assert.Contains(audit, e => (e.ResourceType, e.Action, e.ClientId, e.StatusCode) == ("Task", "read", "clinic-2-emr", 404));
        Assert.Contains(audit, e => (e.ResourceType, e.Action, e.PatientId) == ("Task", "search", registered.Patient.Id));

        var (_, metadata, _) = await labA.FetchAsync("/fhir/metadata");
        Assert.Contains(metadata!["rest"]![0]!["resource"]!.AsArray(), r => r!["type"]!.GetValue<string>() == "Task");
        Assert.Contains(metadata["rest"]![0]!["resource"]!.AsArray(), r => r!["type"]!.GetValue<string>() == "SupplyDelivery");
        payloads.Add(("CapabilityStatement", metadata));
        var issues = await FhirValidator.ValidateAsync(payloads);
        Assert.True(issues.Count == 0, string.Join("\n", issues));
    }

    [Theory]
    [MemberData(nameof(Providers))]
    public async Task The_box_manifest_is_a_Cyrillic_PDF_JSON_and_CSV_with_initials_and_birth_year_only_and_turnaround_is_per_route(string provider)
    {
        await using var host = await ApiTestHost.StartAsync(provider);
        var hub = host.Hub;
        await hub.Store.UpsertOrganizationAsync(new Organization { Id = LabB, Name = "Лаборатория Б", Kind = OrganizationKind.Lab });
        var labB = host.Client(await ApiTestHost.AddClientAsync(hub, "lab-2-lis", LabB, ["system/Task.*", "system/SupplyDelivery.*"]));
        var labA = host.Client(host.LabToken);
        var registered = await hub.RegisterAsync(["WBC", "HGB"], Patients.Ivanova);
        var tube = registered.Specimens.Single().Id;
        await labA.PostJsonAsync("/api/transfers", $$"""{"specimenId":"{{tube}}","testCodes":["HGB"],"toLabId":"{{LabB}}"}""");
        var (_, box, _) = await labA.PostJsonAsync("/api/boxes", """{"barcode":"BOX-MAN-1","toLabId":"lab-2","capacity":4,"temperature":"refrigerated"}""");
        var boxId = box!["id"]!.GetValue<string>();
        await labA.PostJsonAsync($"/api/boxes/{boxId}/tubes", $$"""{"barcode":"{{tube}}"}""");
        await labA.PostJsonAsync($"/api/boxes/{boxId}/dispatch", "{}");

        var (_, json, _) = await labA.FetchAsync($"/api/transfers/boxes/{boxId}/manifest.json");
        var tubeJson = json!["tubes"]![0]!;
        Assert.Equal(("BOX-MAN-1", "refrigerated", "Лаборатория Б"), (json["barcode"]!.GetValue<string>(), json["temperature"]!.GetValue<string>(), json["toLabName"]!.GetValue<string>()));
        Assert.Equal((tube, "И.М.", 1980, "HGB"), (tubeJson["barcode"]!.GetValue<string>(), tubeJson["initials"]!.GetValue<string>(), tubeJson["birthYear"]!.GetValue<int>(), tubeJson["tests"]![0]!["code"]!.GetValue<string>()));
        Assert.DoesNotContain("Иванова", json.ToJsonString(), StringComparison.Ordinal);
        Assert.DoesNotContain("1980-03-14", json.ToJsonString(), StringComparison.Ordinal);

        var csv = await labA.GetStringAsync($"/api/transfers/boxes/{boxId}/manifest.csv");
        var rows = csv.Split("\r\n", StringSplitOptions.RemoveEmptyEntries);
        Assert.StartsWith("box_barcode,temperature,", rows[0], StringComparison.Ordinal);
        Assert.Equal($"BOX-MAN-1,refrigerated,{TestHub.Lab},{LabB},{tube},,", rows[1][..(rows[1].IndexOf(",,", StringComparison.Ordinal) + 2)]);
        Assert.Contains(",И.М.,1980,HGB,", rows[1], StringComparison.Ordinal);

        var pdf = await labB.GetByteArrayAsync($"/api/transfers/boxes/{boxId}/manifest.pdf");
        Assert.StartsWith("%PDF-", System.Text.Encoding.ASCII.GetString(pdf, 0, 5), StringComparison.Ordinal);
        var text = PdfText(pdf);
        Assert.Contains("Сопроводительный лист контейнера", text, StringComparison.Ordinal);
        Assert.Contains("BOX-MAN-1", text, StringComparison.Ordinal);
        Assert.Contains("охлаждённый", text, StringComparison.Ordinal);
        Assert.Contains("Лаборатория Б", text, StringComparison.Ordinal);
        Assert.Contains($"{tube}", text, StringComparison.Ordinal);
        Assert.Contains("И.М. 1980", text, StringComparison.Ordinal);
        Assert.DoesNotContain("Иванова", text, StringComparison.Ordinal);
        Assert.Equal(404, (await host.Client(host.ClinicToken).FetchAsync($"/api/transfers/boxes/{boxId}/manifest.json")).Status);
        var audit = (await hub.Store.QueryAuditAsync(new AuditQuery())).Items;
        Assert.Contains(audit, e => (e.ResourceType, e.Action, e.ResourceId, e.PatientId, e.ClientId) == ("SupplyDelivery", "read", boxId, registered.Patient.Id, "lab-2-lis"));

        // Turnaround: dispatched at 09:00, received 6 h later; no result yet, so only the transit leg is measured.
        hub.Time.Advance(TimeSpan.FromHours(6));
        await labB.PostJsonAsync("/api/receipts", """{"barcode":"BOX-MAN-1"}""");
        var (status, report, _) = await labA.FetchAsync("/api/transfers/turnaround?from=2026-11-21&to=2026-11-21");
        Assert.Equal(200, status);
        var route = report!["routes"]!.AsArray().Single()!;
        Assert.Equal((TestHub.Lab, LabB, "HGB", 1), (route["fromLabId"]!.GetValue<string>(), route["toLabId"]!.GetValue<string>(), route["testCode"]!.GetValue<string>(), route["tasks"]!.GetValue<int>()));
        Assert.Equal((1, 6.0, 6.0), (route["dispatchToReceived"]!["count"]!.GetValue<int>(), route["dispatchToReceived"]!["p50Hours"]!.GetValue<double>(), route["dispatchToReceived"]!["p90Hours"]!.GetValue<double>()));
        Assert.Equal(0, route["receivedToResult"]!["count"]!.GetValue<int>());
        Assert.Empty((await labA.FetchAsync("/api/transfers/turnaround?from=2026-11-22&to=2026-11-30")).Body!["routes"]!.AsArray());
        Assert.Equal(422, (await labA.FetchAsync("/api/transfers/turnaround?from=2026-11-30&to=2026-11-01")).Status);
        Assert.Equal(422, (await labA.FetchAsync("/api/transfers/turnaround?from=yesterday")).Status);
    }

    [Fact]
    public void Turnaround_percentiles_are_nearest_rank_per_route_and_open_tasks_do_not_count()
    {
        var at = new DateTimeOffset(2026, 11, 1, 0, 0, 0, TimeSpan.Zero);
        var route = new TransferRoute("lab-1", "lab-2", "HGB");
        var milestones = Enumerable.Range(1, 10)
            .Select(h => new TransferMilestones(route, at, at.AddHours(h), at.AddHours(h + 10)))
            .Append(new TransferMilestones(route, at, null, null))
            .Append(new TransferMilestones(new TransferRoute("lab-1", "lab-3", "GLU"), at, at.AddHours(2), null))
            .ToList();
        var report = TransferTurnaround.Compute(milestones);
        Assert.Equal(2, report.Count);
        var hgb = report[0];
        Assert.Equal((11, 10), (hgb.Tasks, hgb.Transit.Count));
        Assert.Equal((TimeSpan.FromHours(5), TimeSpan.FromHours(9)), (hgb.Transit.P50!.Value, hgb.Transit.P90!.Value));
        Assert.Equal((TimeSpan.FromHours(10), TimeSpan.FromHours(10)), (hgb.Processing.P50!.Value, hgb.Processing.P90!.Value));
        Assert.Equal((TimeSpan.FromHours(15), TimeSpan.FromHours(19)), (hgb.Total.P50!.Value, hgb.Total.P90!.Value));
        Assert.Equal((0, (TimeSpan?)null), (report[1].Processing.Count, report[1].Processing.P50));
    }

    private static string PdfText(byte[] pdf)
    {
        var path = Path.Combine(Path.GetTempPath(), $"manifest-{Guid.NewGuid():n}.pdf");
        File.WriteAllBytes(path, pdf);
        try
        {
            // poppler-utils is installed by the deploy scripts; missing, the test fails rather than passing unread.
            using var process = Process.Start(new ProcessStartInfo("/usr/bin/pdftotext", ["-enc", "UTF-8", path, "-"]) { RedirectStandardOutput = true, RedirectStandardError = true })!;
            var text = process.StandardOutput.ReadToEnd();
            process.WaitForExit();
            Assert.True(process.ExitCode == 0, "pdftotext failed: " + process.StandardError.ReadToEnd());
            return text;
        }
        finally
        {
            File.Delete(path);
        }
    }
}
