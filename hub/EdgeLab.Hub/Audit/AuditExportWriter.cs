using System.Globalization;
using System.Text;
using System.Text.Json;
using EdgeLab.Hub.Domain;

namespace EdgeLab.Hub.Audit;

/// <summary>The formats of <c>edgelab-hub audit export</c>.</summary>
internal enum AuditExportFormat
{
    /// <summary>RFC 4180 CSV with a header row, for a spreadsheet.</summary>
    Csv,
    /// <summary>One JSON object per line (NDJSON), exact, for tools.</summary>
    Ndjson,
}

/// <summary>
/// Writes audit entries one by one to a stream in CSV or NDJSON. CSV cells that a spreadsheet would run as a formula
/// (starting with <c>= + - @</c>, tab or CR; a resource id in a refused URL is the caller's text) get a leading
/// apostrophe, as OWASP's CSV-injection advice says; NDJSON carries the values unchanged.
/// </summary>
internal sealed class AuditExportWriter : IAsyncDisposable
{
    private static readonly string[] Columns =
        ["id", "at", "client_id", "organization_id", "action", "resource_type", "resource_id", "patient_id", "status_code", "remote_address", "query"];

    private readonly AuditExportFormat _format;
    private readonly StreamWriter _text;
    private readonly Stream _stream;

    public AuditExportWriter(Stream stream, AuditExportFormat format)
    {
        _stream = stream;
        _format = format;
        _text = new StreamWriter(stream, new UTF8Encoding(encoderShouldEmitUTF8Identifier: false), 1 << 16, leaveOpen: true) { NewLine = format == AuditExportFormat.Csv ? "\r\n" : "\n" };
        if (format == AuditExportFormat.Csv) _text.WriteLine(string.Join(',', Columns));
    }

    public void Write(AuditEntry e)
    {
        if (_format == AuditExportFormat.Ndjson)
        {
            WriteJson(e);
            return;
        }
        string?[] cells =
        [
            e.Id.ToString(CultureInfo.InvariantCulture), Instant(e.At), e.ClientId, e.OrganizationId, e.Action, e.ResourceType,
            e.ResourceId, e.PatientId, e.StatusCode.ToString(CultureInfo.InvariantCulture), e.RemoteAddress, e.Query,
        ];
        for (var i = 0; i < cells.Length; i++)
        {
            if (i > 0) _text.Write(',');
            _text.Write(Csv(cells[i]));
        }
        _text.WriteLine();
    }

    private void WriteJson(AuditEntry e)
    {
        _text.Flush();
        using (var json = new Utf8JsonWriter(_stream))
        {
            json.WriteStartObject();
            json.WriteNumber("id", e.Id);
            json.WriteString("at", Instant(e.At));
            json.WriteString("clientId", e.ClientId);
            json.WriteString("organizationId", e.OrganizationId);
            json.WriteString("action", e.Action);
            json.WriteString("resourceType", e.ResourceType);
            if (e.ResourceId is not null) json.WriteString("resourceId", e.ResourceId);
            if (e.PatientId is not null) json.WriteString("patientId", e.PatientId);
            json.WriteNumber("statusCode", e.StatusCode);
            if (e.RemoteAddress is not null) json.WriteString("remoteAddress", e.RemoteAddress);
            if (e.Query is not null) json.WriteString("query", e.Query);
            json.WriteEndObject();
        }
        _text.Write('\n');
    }

    private static string Instant(DateTimeOffset at) => at.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture);

    private static string Csv(string? value)
    {
        if (string.IsNullOrEmpty(value)) return "";
        if (value[0] is '=' or '+' or '-' or '@' or '\t' or '\r') value = "'" + value;
        return value.AsSpan().IndexOfAny(",\"\r\n") >= 0 ? "\"" + value.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"" : value;
    }

    public async ValueTask DisposeAsync()
    {
        await _text.FlushAsync().ConfigureAwait(false);
        await _text.DisposeAsync().ConfigureAwait(false);
    }
}
