using System.Text;

namespace EdgeLab.Gateway.LocalStatus;

/// <summary>
/// The terminal form of the technician's view (<c>edgelab-gateway status</c>): the same words as the status page, one
/// block per instrument. Each state is a word, never only a symbol, so it reads the same on a console without colour.
/// </summary>
internal static class StatusText
{
    public static string Render(GatewayLocalStatus s, TechnicianAdvice words)
    {
        var ru = words.Language == ViewLanguage.Russian;
        string T(string en, string r) => ru ? r : en;
        var b = new StringBuilder();
        b.Append(T("EdgeLab gateway ", "Шлюз EdgeLab ")).Append(s.GatewayId).Append(" — ").Append(words.HealthWord(s.Health)).AppendLine();
        b.AppendLine(words.Headline(s.Health)).AppendLine();
        b.AppendLine(T("Instruments", "Приборы"));
        if (s.Instruments.Count == 0) b.AppendLine(T("  none configured", "  не настроены"));
        foreach (var i in s.Instruments)
        {
            b.Append("  ").Append(i.Id).Append(" (").Append(i.Profile).Append(", ").Append(i.Where).AppendLine(")");
            Line(b, T("link", "связь"), words.Link(i));
            Line(b, T("last message", "последнее"), words.LastMessage(i) + ", " + words.MessagesToday(i.MessagesToday));
            if (words.Problem(i) is { } advice)
            {
                Line(b, T("problem", "неисправность"), advice.What);
                if (advice.ToDo is { } todo) Line(b, T("what to do", "что делать"), todo);
            }
        }
        b.AppendLine().AppendLine(T("Hub", "Сервер"));
        var uplink = words.Uplink(s.Uplink);
        Line(b, T("connection", "связь"), uplink.What);
        if (uplink.ToDo is { } upTodo) Line(b, T("what to do", "что делать"), upTodo);
        Line(b, T("confirmed", "подтверждение"), words.LastHubAck(s.Uplink.LastHubAckAt));
        Line(b, T("outbox", "очередь"), words.Outbox(s.Outbox));
        if (s.Uplink.CertificateNotAfter is { } notAfter) Line(b, T("certificate", "сертификат"), words.CertificateExpiry(notAfter));
        return b.ToString();
    }

    private static void Line(StringBuilder b, string label, string text) => b.Append("    ").Append((label + ":").PadRight(16)).AppendLine(text);
}
