using System.Text;
using EdgeLab.Hub.Fhir;
using EdgeLab.Hub.Fhir.Resources;

namespace EdgeLab.Hub.Tests.Fhir;

/// <summary>
/// The JSON reading layer refuses null array items for every FHIR body (R4 §2.6.2), naming the item by FHIRPath
/// (bench/fuzz fhir-transaction findings: null items reached the mapping code and were 500s).
/// </summary>
public sealed class FhirJsonNullItemsTests
{
    [Theory]
    [InlineData("""{"resourceType":"Patient","name":[null]}""", "Patient.name[0]")]
    [InlineData("""{"name":[{"family":"Тестов"},{"given":["Иван",null]}],"resourceType":"Patient"}""", "Patient.name[1].given[1]")]
    [InlineData("""{"resourceType":"Bundle","type":"transaction","entry":[{"resource":{"resourceType":"Patient","identifier":[{"value":"1"},null]}}]}""",
        "Bundle.entry[0].resource.identifier[1]")]
    public void A_null_item_is_a_structure_error_naming_it_wherever_resourceType_stands(string json, string expression)
    {
        var error = Assert.Throws<FhirInputException>(() => FhirJson.Deserialize(Encoding.UTF8.GetBytes(json)));

        Assert.Equal(IssueType.Structure, error.IssueType);
        Assert.Equal(400, error.Status);
        Assert.Equal(expression, error.Expression);
    }

    [Fact]
    public void Nulls_in_primitive_extension_arrays_and_null_properties_pass()
    {
        var patient = (Patient)FhirJson.Deserialize(Encoding.UTF8.GetBytes(
            """{"resourceType":"Patient","name":[{"family":"Тестов","given":["Иван"],"_given":[null,{"extension":[null]}]}],"gender":null}"""));

        Assert.Equal("Тестов", patient.Name![0].Family);
    }

    [Fact]
    public void An_unknown_element_whose_name_is_invalid_utf8_is_ignored_as_before_and_a_null_after_it_still_refused()
    {
        // bench/fuzz fhir-transaction finding: the null-item scan read the name as a string and threw (a 500).
        byte[] ignored = [.. "{\"resourceType\":\"Patient\",\""u8, 0xC3, 0x28, .. "\":1}"u8];
        Assert.IsType<Patient>(FhirJson.Deserialize(ignored));

        byte[] withNull = [.. "{\"resourceType\":\"Patient\",\""u8, 0xC3, 0x28, .. "\":1,\"name\":[null]}"u8];
        Assert.Equal("Patient.name[0]", Assert.Throws<FhirInputException>(() => FhirJson.Deserialize(withNull)).Expression);
    }

    [Fact]
    public void Malformed_json_keeps_the_deserializers_error()
    {
        var error = Assert.Throws<FhirInputException>(() => FhirJson.Deserialize("""{"resourceType":"Patient","name":[null"""u8));

        Assert.Equal(IssueType.Structure, error.IssueType);
        Assert.Contains("not a valid FHIR R4 JSON resource", error.Message, StringComparison.Ordinal);
    }
}
