using System.Text;
using EdgeLab.Hub.Catalog;
using EdgeLab.Hub.Fhir;
using EdgeLab.Hub.Fhir.Resources;

namespace EdgeLab.Fuzz.Targets;

/// <summary>
/// The FHIR transaction reader (hub Fhir/<see cref="TransactionReader"/>) as <c>POST [base]</c> drives it: the body is
/// read as a FHIR R4 JSON resource, and a transaction Bundle becomes a referral request. Bad input is a
/// <see cref="FhirInputException"/> (→ 4xx OperationOutcome); anything else would be a 500.
/// </summary>
internal sealed class FhirTransactionTarget : IFuzzTarget
{
    private readonly ITestCatalog _catalog = CatalogLoader.LoadEmbedded();

    public string Name => "fhir-transaction";

    public string Description => "FHIR R4 transaction Bundles (Fhir/FhirJson + TransactionReader, embedded catalog); bad input: FhirInputException";

    public IEnumerable<(string Name, byte[] Bytes)> Seeds(RepositoryFiles files)
    {
        // Synthetic patient; the shape of tests/EdgeLab.Hub.Tests/Fhir/TransactionBundleTests.
        const string Bundle = """
            {"resourceType": "Bundle", "type": "transaction",
             "entry": [
              {"fullUrl": "urn:uuid:5c1b7a52-0000-4000-8000-000000000001",
               "resource": {"resourceType": "Patient",
                 "identifier": [{"system": "urn:oid:1.2.643.2.69.1.1.1.6.223", "value": "33445566700"},
                                {"system": "urn:oid:1.2.643.2.69.1.1.1.6.228", "value": "7700000000000001"}],
                 "name": [{"use": "official", "family": "Тестова", "given": ["Анна", "Викторовна"]}],
                 "gender": "female", "birthDate": "1992-05-30"},
               "request": {"method": "POST", "url": "Patient"}},
              {"fullUrl": "urn:uuid:5c1b7a52-0000-4000-8000-000000000002",
               "resource": {"resourceType": "ServiceRequest", "status": "active", "intent": "order",
                 "requisition": {"system": "urn:emr:referral", "value": "EMR-2026-0042"},
                 "code": {"coding": [{"system": "http://loinc.org", "code": "718-7"}]},
                 "subject": {"reference": "urn:uuid:5c1b7a52-0000-4000-8000-000000000001"},
                 "requester": {"display": "Петров П. П."},
                 "performer": [{"identifier": {"system": "urn:edgelab:organization", "value": "lab-1"}}]},
               "request": {"method": "POST", "url": "ServiceRequest"}},
              {"fullUrl": "urn:uuid:5c1b7a52-0000-4000-8000-000000000003",
               "resource": {"resourceType": "ServiceRequest", "status": "active", "intent": "order",
                 "code": {"coding": [{"system": "urn:edgelab:catalog", "code": "GLU"}]},
                 "subject": {"reference": "urn:uuid:5c1b7a52-0000-4000-8000-000000000001"},
                 "requester": {"display": "Петров П. П."},
                 "performer": [{"reference": "Organization/lab-1"}]},
               "request": {"method": "POST", "url": "ServiceRequest"}}
             ]}
            """;
        yield return ("transaction.json", Encoding.UTF8.GetBytes(Bundle));
        yield return ("patient.json", Encoding.UTF8.GetBytes(
            """{"resourceType":"Patient","name":[{"family":"Тестов","given":["Иван"]}],"gender":"male","birthDate":"1980-01-02"}"""));
    }

    public void Run(ReadOnlySpan<byte> input)
    {
        try
        {
            // The checks FhirTransactionEndpoint makes before it hands the Bundle over.
            if (FhirJson.Deserialize(input) is not Bundle { Type: "transaction" } bundle) return;
            TransactionReader.Read(bundle, _catalog, out _);
        }
        catch (FhirInputException) { }
    }
}
