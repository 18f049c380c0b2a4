using System.Globalization;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using Dapper;
using EdgeLab.Hub.Archive;
using EdgeLab.Hub.Auth;
using EdgeLab.Hub.Tests.Fhir;
using EdgeLab.Hub.Tests.Fhir.Conformance;
using EdgeLab.Hub.Tests.Support;

namespace EdgeLab.Hub.Tests.Archive;

/// <summary>
/// Issue 15 §2 over HTTP: Location (partOf chain, positions derived), a real two-page PDF as DocumentReference
/// (SHA-256, page count, scanned-at; search by patient and category), the retrieval lifecycle with its scope and audit;
/// every FHIR payload checked by the R4 validator. Both databases.
/// </summary>
public sealed class ArchiveApiTests
{
    public static TheoryData<string> Providers => TestHub.Providers;

    /// <summary>A minimal, well-formed PDF 1.4 with two pages (ISO 32000-1 §7.5: header, objects, xref, trailer).</summary>
    internal static byte[] TwoPagePdf()
    {
        var objects = new[]
        {
            "<< /Type /Catalog /Pages 2 0 R >>",
            "<< /Type /Pages /Kids [3 0 R 4 0 R] /Count 2 >>",
            "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] >>",
            "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] >>",
        };
        var pdf = new StringBuilder("%PDF-1.4\n");
        var offsets = new List<int>();
        for (var i = 0; i < objects.Length; i++)
        {
            offsets.Add(pdf.Length);
            pdf.Append(CultureInfo.InvariantCulture, $"{i + 1} 0 obj\n{objects[i]}\nendobj\n");
        }
        var xref = pdf.Length;
        pdf.Append(CultureInfo.InvariantCulture, $"xref\n0 {objects.Length + 1}\n0000000000 65535 f \n");
        foreach (var o in offsets) pdf.Append(CultureInfo.InvariantCulture, $"{o:D10} 00000 n \n");
        pdf.Append(CultureInfo.InvariantCulture, $"trailer\n<< /Size {objects.Length + 1} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n");
        return Encoding.ASCII.GetBytes(pdf.ToString());
    }

    [Fact]
    public void Page_count_and_hash_come_from_the_pdf_and_a_non_pdf_is_refused()
    {
        var pdf = TwoPagePdf();
        var measured = ScannedPdf.Measure(pdf, out _);
        Assert.Equal(2, measured!.Value.Pages);
        Assert.Equal(Convert.ToHexStringLower(SHA256.HashData(pdf)), measured.Value.Sha256);
        Assert.Null(ScannedPdf.Measure("hello, not a pdf"u8.ToArray(), out var problem));
        Assert.Contains("not a PDF", problem, StringComparison.Ordinal);
    }

    [Theory]
    [MemberData(nameof(Providers))]
    public async Task Locations_documents_and_retrievals_over_the_api_valid_against_R4(string provider)
    {
        await using var api = await ApiTestHost.StartAsync(provider);
        var hub = api.Hub;
        var ivanova = await hub.RegisterAsync(["HGB"]);
        var box = await hub.Store.AddLocationAsync("ARCH-1/Z01/B0001", 100);
        var csv = "card_number,snils,oms,surname,name,patronymic,birth_date,sex,polyclinic,location\n" +
                  $"K-1,{Patients.Ivanova.Snils},,Иванова,Мария,Сергеевна,1980-03-14,female,clinic-1,ARCH-1/Z01/B0001/7\n";
        await new InventoryImporter(hub.Store, hub.Time).ImportAsync(new StringReader(csv), new RejectionReport(new StringWriter()), null, default);
        var archivist = await ApiTestHost.AddClientAsync(hub, "clinic-1-archive", TestHub.Clinic, [ApiScopes.ReadAll, ApiScopes.ArchiveWrite]);
        var client = api.Client(archivist);
        var payloads = new List<(string, JsonNode)>();

        // Location: the box, its zone above it, a derived position below it.
        var (status, boxJson, _) = await client.FetchAsync($"/fhir/Location/{box.Id}");
        Assert.Equal(200, status);
        var zoneRef = boxJson!["partOf"]!["reference"]!.GetValue<string>();
        var (_, zoneJson, _) = await client.FetchAsync("/fhir/" + zoneRef);
        Assert.Equal("Z01", zoneJson!["name"]!.GetValue<string>());
        var (posStatus, position, _) = await client.FetchAsync($"/fhir/Location/{box.Id}-p7");
        Assert.Equal(200, posStatus);
        Assert.Equal($"Location/{box.Id}", position!["partOf"]!["reference"]!.GetValue<string>());
        Assert.Equal(404, (await client.FetchAsync($"/fhir/Location/{box.Id}-p101")).Status);
        var (_, children, _) = await client.FetchAsync("/fhir/Location?partof=" + zoneRef);
        Assert.Equal(box.Id, children!["entry"]![0]!["resource"]!["id"]!.GetValue<string>());
        payloads.AddRange([("Location box", boxJson), ("Location zone", zoneJson), ("Location position", position), ("Location search", children)]);

        // Scanned pages: a real PDF, stored as sent, hashed, pages counted.
        var pdf = TwoPagePdf();
        using var upload = new ByteArrayContent(pdf);
        upload.Headers.ContentType = new MediaTypeHeaderValue("application/pdf");
        var created = await client.PostAsync("/api/archive/cards/K-1/documents?category=outpatient-card&scannedAt=2026-11-20T10:00:00Z", upload);
        Assert.Equal(201, (int)created.StatusCode);
        var doc = JsonNode.Parse(await created.Content.ReadAsStringAsync())!;
        Assert.Equal(2, doc["pageCount"]!.GetValue<int>());
        var (_, bundle, _) = await client.FetchAsync($"/fhir/DocumentReference?patient={ivanova.Patient.Id}&category=outpatient-card");
        var reference = bundle!["entry"]![0]!["resource"]!;
        Assert.Equal(Convert.ToHexStringLower(SHA256.HashData(pdf)), reference["masterIdentifier"]!["value"]!.GetValue<string>());
        Assert.Equal($"Patient/{ivanova.Patient.Id}", reference["subject"]!["reference"]!.GetValue<string>());
        Assert.Equal(2, reference["content"]![0]!["attachment"]!["extension"]![0]!["valuePositiveInt"]!.GetValue<int>());
        Assert.StartsWith("2026-11-20T10:00:00", reference["content"]![0]!["attachment"]!["creation"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Empty((await client.FetchAsync($"/fhir/DocumentReference?patient={ivanova.Patient.Id}&category=lab-report")).Body!["entry"]?.AsArray() ?? []);
        var (_, read, _) = await client.FetchAsync($"/fhir/DocumentReference/{doc["id"]!.GetValue<string>()}");
        payloads.AddRange([("DocumentReference search", bundle), ("DocumentReference read", read!)]);
        var download = await client.GetByteArrayAsync($"/api/archive/documents/{doc["id"]!.GetValue<string>()}/content.pdf");
        Assert.Equal(pdf, download);
        // Another clinic sees neither the document nor the card.
        Assert.Equal(404, (await api.Client(api.OtherClinicToken).FetchAsync($"/fhir/DocumentReference/{doc["id"]!.GetValue<string>()}")).Status);

        // Retrieval: requested → retrieved → delivered → returned; a step out of order is 409; the scope is required.
        Assert.Equal(403, (await api.Client(api.ClinicToken).PostJsonAsync("/api/archive/retrievals", """{"cardNumber":"K-1","requestedBy":"Петров П. П."}""")).Status);
        var (reqStatus, retrieval, _) = await client.PostJsonAsync("/api/archive/retrievals", """{"cardNumber":"K-1","requestedBy":"Петров П. П.","deliverBy":"2030-01-01T00:00:00Z"}""");
        Assert.Equal(201, reqStatus);
        var id = retrieval!["id"]!.GetValue<string>();
        Assert.Equal(409, (await client.PostJsonAsync($"/api/archive/retrievals/{id}/delivered", "{}")).Status);
        Assert.Equal("retrieved", (await client.PostJsonAsync($"/api/archive/retrievals/{id}/retrieved", "{}")).Body!["status"]!.GetValue<string>());
        var delivered = (await client.PostJsonAsync($"/api/archive/retrievals/{id}/delivered", """{"returnBy":"2030-02-01T00:00:00Z"}""")).Body!;
        Assert.StartsWith("2030-02-01", delivered["returnBy"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Equal("returned", (await client.PostJsonAsync($"/api/archive/retrievals/{id}/returned", "{}")).Body!["status"]!.GetValue<string>());
        await using (var c = await hub.Database.OpenAsync())
            Assert.Equal(4, await c.ExecuteScalarAsync<long>("SELECT COUNT(*) FROM audit_entry WHERE resource_type = 'CardRetrieval' AND client_id = 'clinic-1-archive' AND status_code < 300"));

        var (_, metadata, _) = await client.FetchAsync("/fhir/metadata");
        payloads.Add(("CapabilityStatement", metadata!));
        var issues = await FhirValidator.ValidateAsync(payloads);
        Assert.True(issues.Count == 0, string.Join("\n", issues));
    }
}
