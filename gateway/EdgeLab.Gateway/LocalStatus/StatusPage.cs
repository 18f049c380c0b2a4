using System.Globalization;
using System.Text;
using static System.Net.WebUtility;

namespace EdgeLab.Gateway.LocalStatus;

/// <summary>
/// The local status page: one HTML document from <see cref="GatewayLocalStatus"/>, in Russian or English.
/// Accessibility (WCAG 2.1 AA): <c>lang</c> on the document and on the other language's link (3.1.1, 3.1.2); landmarks
/// (header, nav, main, footer) and a skip link (2.4.1); a table with caption and row/column headers (1.3.1); every
/// state is a word plus a symbol, colour only repeats it (1.4.1); text contrast ≥ 7:1 (1.4.3); visible focus (2.4.7).
/// Updates (status.js) replace the content in place without moving focus, announce only the headline (4.1.3), and can be
/// paused (2.2.2). Without script the page is still complete; reload to update.
/// </summary>
internal static class StatusPage
{
    public static string Render(GatewayLocalStatus s, TechnicianAdvice words)
    {
        var ru = words.Language == ViewLanguage.Russian;
        string T(string en, string r) => ru ? r : en;
        var b = new StringBuilder(8192);
        b.Append("<!doctype html>\n<html lang=\"").Append(ru ? "ru" : "en").Append("\">\n<head>\n<meta charset=\"utf-8\">\n")
            .Append("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n")
            .Append("<title>").Append(HtmlEncode(T($"Gateway {s.GatewayId} — status", $"Шлюз {s.GatewayId} — состояние"))).Append("</title>\n")
            .Append("<style>").Append(Css).Append("</style>\n</head>\n<body>\n")
            .Append("<a class=\"skip\" href=\"#instruments\">").Append(T("Skip to instruments", "К списку приборов")).Append("</a>\n")
            .Append("<header>\n<h1>").Append(T("EdgeLab gateway", "Шлюз EdgeLab")).Append(" <code>").Append(HtmlEncode(s.GatewayId)).Append("</code></h1>\n")
            .Append("<nav aria-label=\"").Append(T("Language", "Язык")).Append("\">")
            .Append(ru ? "<a href=\"?lang=en\" hreflang=\"en\" lang=\"en\">English</a>" : "<a href=\"?lang=ru\" hreflang=\"ru\" lang=\"ru\">Русский</a>")
            .Append("</nav>\n</header>\n<main id=\"main\">\n");

        // Summary: the one line a technician needs; role=status announces a change of it (and only it) politely.
        b.Append("<section aria-labelledby=\"h-summary\">\n<h2 id=\"h-summary\">").Append(T("Summary", "Итог")).Append("</h2>\n")
            .Append("<p id=\"headline\" role=\"status\" class=\"health ").Append(HealthClass(s.Health)).Append("\"><span class=\"badge\">")
            .Append(HealthSymbol(s.Health)).Append(' ').Append(words.HealthWord(s.Health)).Append("</span> ")
            .Append(HtmlEncode(words.Headline(s.Health))).Append("</p>\n")
            .Append("<p class=\"updated\">").Append(T("Updated at", "Обновлено в")).Append(" <span id=\"updated\">").Append(HtmlEncode(words.Time(s.At))).Append("</span>. ")
            .Append("<button type=\"button\" id=\"pause\" aria-pressed=\"false\" hidden>").Append(T("Pause updates", "Остановить обновление")).Append("</button></p>\n</section>\n");

        b.Append("<section id=\"instruments\" aria-labelledby=\"h-instruments\" tabindex=\"-1\">\n<h2 id=\"h-instruments\">").Append(T("Instruments", "Приборы")).Append("</h2>\n");
        if (s.Instruments.Count == 0)
        {
            b.Append("<p>").Append(T("No instruments are configured.", "Приборы не настроены.")).Append("</p>\n");
        }
        else
        {
            b.Append("<table>\n<caption>").Append(T("Each instrument's connection, last message and what to do", "Связь с каждым прибором, последнее сообщение и что делать")).Append("</caption>\n")
                .Append("<thead><tr><th scope=\"col\">").Append(T("Instrument", "Прибор")).Append("</th><th scope=\"col\">").Append(T("Connection", "Связь"))
                .Append("</th><th scope=\"col\">").Append(T("Last message", "Последнее сообщение")).Append("</th><th scope=\"col\">").Append(T("Today", "Сегодня"))
                .Append("</th><th scope=\"col\">").Append(T("Problem and what to do", "Неисправность и что делать")).Append("</th></tr></thead>\n<tbody>\n");
            foreach (var i in s.Instruments)
            {
                var advice = words.Problem(i);
                b.Append("<tr id=\"i-").Append(HtmlEncode(i.Id)).Append("\"><th scope=\"row\">").Append(HtmlEncode(i.Id)).Append("<br><span class=\"small\">")
                    .Append(HtmlEncode(i.Profile)).Append(" · ").Append(HtmlEncode(i.Where)).Append("</span></th>")
                    .Append("<td><span class=\"state ").Append(LinkClass(i.Link)).Append("\">").Append(LinkSymbol(i.Link)).Append(' ')
                    .Append(HtmlEncode(words.LinkWord(i.Link))).Append("</span><br>").Append(HtmlEncode(words.Link(i))).Append("</td>")
                    .Append("<td>").Append(HtmlEncode(words.LastMessage(i))).Append("</td>")
                    .Append("<td>").Append(i.MessagesToday.ToString(CultureInfo.InvariantCulture)).Append("</td><td>");
                if (advice is null) b.Append(T("—", "—"));
                else
                {
                    b.Append("<strong>").Append(HtmlEncode(advice.What)).Append("</strong>");
                    if (advice.ToDo is { } todo) b.Append("<br>").Append(T("What to do: ", "Что делать: ")).Append(HtmlEncode(todo));
                }
                b.Append("</td></tr>\n");
            }
            b.Append("</tbody>\n</table>\n");
        }
        b.Append("</section>\n");

        var uplink = words.Uplink(s.Uplink);
        b.Append("<section id=\"gateway\" aria-labelledby=\"h-gateway\">\n<h2 id=\"h-gateway\">").Append(T("Gateway", "Шлюз")).Append("</h2>\n<dl>\n")
            .Append("<dt>").Append(T("Hub connection", "Связь с сервером")).Append("</dt><dd><span class=\"state ").Append(s.Uplink.Connected ? "up" : "down").Append("\">")
            .Append(LinkSymbol(s.Uplink.Connected ? "up" : "down")).Append(' ').Append(words.LinkWord(s.Uplink.Connected ? "up" : "down")).Append("</span> ")
            .Append(HtmlEncode(uplink.What));
        if (uplink.ToDo is { } upTodo) b.Append("<br>").Append(T("What to do: ", "Что делать: ")).Append(HtmlEncode(upTodo));
        b.Append("<br>").Append(HtmlEncode(words.LastHubAck(s.Uplink.LastHubAckAt))).Append("</dd>\n")
            .Append("<dt>").Append(T("Outbox", "Очередь отправки")).Append("</dt><dd>").Append(HtmlEncode(words.Outbox(s.Outbox))).Append("</dd>\n");
        if (s.Box is { } box)
            b.Append("<dt>").Append(T("Box light", "Индикатор")).Append("</dt><dd>").Append(HtmlEncode(BoxWords(box, ru))).Append("</dd>\n");
        b.Append("<dt>").Append(T("Version", "Версия")).Append("</dt><dd>").Append(HtmlEncode(s.Version)).Append("</dd>\n")
            .Append("<dt>").Append(T("Running for", "Работает")).Append("</dt><dd>").Append(HtmlEncode(Duration(s.UptimeSeconds, ru))).Append("</dd>\n")
            .Append("</dl>\n</section>\n</main>\n<footer><p>")
            .Append(T("Read-only page of this gateway. It shows no patient data. Time zone: ", "Страница только для просмотра. Данные пациентов не показываются. Часовой пояс: "))
            .Append(HtmlEncode(s.TimeZone)).Append(".</p></footer>\n<script src=\"/status.js\"></script>\n</body>\n</html>\n");
        return b.ToString();
    }

    private static string BoxWords(BoxStatus box, bool ru) => (box.Led, ru) switch
    {
        (BoxLed.Steady, false) => "green, steady",
        (BoxLed.Steady, true) => "зелёный, горит ровно",
        (BoxLed.Blinking, false) => "blinking: something needs a person",
        (BoxLed.Blinking, true) => "мигает: нужно вмешательство",
        (BoxLed.Identify, false) => "blinking fast: identifying this box",
        (BoxLed.Identify, true) => "часто мигает: опознание шлюза",
        (_, false) => "off",
        (_, true) => "выключен",
    } + (box.Buzzer ? ru ? "; звуковой сигнал включён" : "; buzzer sounding" : "");

    private static string Duration(double seconds, bool ru)
    {
        var t = TimeSpan.FromSeconds(seconds);
        return ru ? $"{(int)t.TotalDays} д {t.Hours} ч {t.Minutes} мин" : $"{(int)t.TotalDays} d {t.Hours} h {t.Minutes} min";
    }

    private static string HealthClass(Health h) => h switch { Health.Ok => "ok", Health.Attention => "attention", _ => "critical" };
    private static string HealthSymbol(Health h) => h switch { Health.Ok => "✔", Health.Attention => "⚠", _ => "✖" };
    private static string LinkClass(string link) => link switch { "up" => "up", "waiting" => "waiting", "disabled" => "off", _ => "down" };
    private static string LinkSymbol(string link) => link switch { "up" => "✔", "waiting" => "…", "disabled" => "○", _ => "✖" };

    // Colours: text #1a1a1a on white (17:1); state badges dark on light, each ≥ 7:1. Focus: a 3 px outline.
    private const string Css =
        "body{font:1rem/1.5 'DejaVu Sans',system-ui,sans-serif;color:#1a1a1a;background:#ffffff;margin:0 auto;max-width:72rem;padding:0 1rem}" +
        "header{display:flex;flex-wrap:wrap;justify-content:space-between;align-items:baseline;border-bottom:1px solid #767676}" +
        "h1{font-size:1.5rem}h2{font-size:1.2rem;margin-top:1.5rem}code{font-size:1rem}" +
        "a{color:#0b3d91}a:focus-visible,button:focus-visible,section:focus-visible{outline:3px solid #0b57d0;outline-offset:2px}" +
        ".skip{position:absolute;left:-999px}.skip:focus{left:1rem;top:1rem;background:#fff;padding:.5rem}" +
        "table{border-collapse:collapse;width:100%}caption{text-align:left;font-weight:bold;padding:.5rem 0}" +
        "th,td{border:1px solid #767676;padding:.4rem;vertical-align:top;text-align:left}thead th{background:#f0f0f0}" +
        ".small{font-size:.875rem;font-weight:normal}" +
        ".state,.badge{display:inline-block;padding:0 .4rem;border:1px solid currentColor;border-radius:.25rem;font-weight:bold}" +
        ".up,.ok .badge{color:#14532d;background:#e8f5e9}.down,.critical .badge{color:#7f1d1d;background:#fdecea}" +
        ".waiting,.off{color:#333333;background:#f3f3f3}.attention .badge{color:#5c3300;background:#fff4e5}" +
        ".health{font-size:1.1rem}dt{font-weight:bold}dd{margin:0 0 .75rem 0}" +
        "button{font:inherit;padding:.2rem .6rem}";

    /// <summary>
    /// Refreshes every 15 s by fetching the page and swapping the three regions' contents in place: focus stays where
    /// the technician left it (the focused element's id is restored), the headline is replaced only when its text
    /// changes (so the status role announces real changes only), and the button pauses the updates (WCAG 2.2.2).
    /// </summary>
    public const string Script = """
        (function () {
          var paused = false, button = document.getElementById('pause');
          button.hidden = false;
          button.addEventListener('click', function () {
            paused = !paused;
            button.setAttribute('aria-pressed', paused ? 'true' : 'false');
          });
          function swap(doc, id, onlyText) {
            var now = document.getElementById(id), next = doc.getElementById(id);
            if (!now || !next) return;
            if (onlyText ? now.textContent === next.textContent : now.innerHTML === next.innerHTML) return;
            now.className = next.className;
            now.innerHTML = next.innerHTML;
          }
          setInterval(function () {
            if (paused) return;
            fetch(location.href, { cache: 'no-store' }).then(function (r) { return r.text(); }).then(function (html) {
              var doc = new DOMParser().parseFromString(html, 'text/html');
              var focused = document.activeElement && document.activeElement.id;
              swap(doc, 'headline', true);
              swap(doc, 'updated', true);
              swap(doc, 'instruments', false);
              swap(doc, 'gateway', false);
              if (focused && document.activeElement !== document.getElementById(focused)) {
                var again = document.getElementById(focused);
                if (again) again.focus({ preventScroll: true });
              }
            }).catch(function () { });
          }, 15000);
        })();
        """;
}
