using System.Globalization;

namespace EdgeLab.Gateway.LocalStatus;

/// <summary>The language of the technician's view: Russian for the region's labs, English as the fallback.</summary>
internal enum ViewLanguage
{
    English,
    Russian,
}

/// <summary>One thing the technician should know, and what to do about it (null when nothing is needed).</summary>
internal sealed record Advice(string What, string? ToDo);

/// <summary>
/// Says the status in a lab technician's words: link state, last message, last problem and what to do about it,
/// outbox and hub. Times are the site's local time. Shared by <c>edgelab-gateway status</c> and the status page,
/// so both say the same thing.
/// </summary>
internal sealed class TechnicianAdvice(ViewLanguage language, TimeZoneInfo siteZone, DateTimeOffset now)
{
    private bool Ru => language == ViewLanguage.Russian;

    public ViewLanguage Language => language;

    /// <summary>Picks the language from an HTTP Accept-Language header or a LANG value: Russian when it asks for ru first.</summary>
    public static ViewLanguage Choose(string? acceptLanguage)
    {
        if (string.IsNullOrWhiteSpace(acceptLanguage)) return ViewLanguage.English;
        // RFC 9110 §12.5.4: comma-separated ranges with optional q weights; the best-weighted of ru / en wins.
        double ru = -1, en = -1;
        foreach (var part in acceptLanguage.Split(','))
        {
            var pieces = part.Split(';');
            var tag = pieces[0].Trim().ToLowerInvariant();
            var q = 1.0;
            foreach (var p in pieces.Skip(1))
                if (p.Trim().StartsWith("q=", StringComparison.Ordinal) && double.TryParse(p.Trim()[2..], NumberStyles.Float, CultureInfo.InvariantCulture, out var w)) q = w;
            if (tag == "ru" || tag.StartsWith("ru-", StringComparison.Ordinal) || tag.StartsWith("ru_", StringComparison.Ordinal)) ru = Math.Max(ru, q);
            else if (tag == "en" || tag.StartsWith("en-", StringComparison.Ordinal) || tag.StartsWith("en_", StringComparison.Ordinal) || tag == "*") en = Math.Max(en, q);
        }
        return ru > 0 && ru >= en ? ViewLanguage.Russian : ViewLanguage.English;
    }

    public string Time(DateTimeOffset at)
    {
        var local = TimeZoneInfo.ConvertTime(at, siteZone);
        var today = TimeZoneInfo.ConvertTime(now, siteZone).Date;
        return local.Date == today ? local.ToString("HH:mm", CultureInfo.InvariantCulture) : local.ToString("dd.MM.yyyy HH:mm", CultureInfo.InvariantCulture);
    }

    public string Headline(Health health) => (health, Ru) switch
    {
        (Health.Ok, false) => "All is well: every instrument is connected or idle, and nothing has waited long to be sent.",
        (Health.Ok, true) => "Всё в порядке: все анализаторы подключены или ждут, ничто не ждёт отправки долго.",
        (Health.Attention, false) => "Needs attention: see the items marked below.",
        (Health.Attention, true) => "Требуется внимание: см. отмеченные ниже пункты.",
        (_, false) => "Critical: the gateway cannot store results and the analyzers are being told to wait.",
        (_, true) => "Авария: шлюз не может сохранять результаты, анализаторам отказано в приёме.",
    };

    public string HealthWord(Health health) => (health, Ru) switch
    {
        (Health.Ok, false) => "OK",
        (Health.Ok, true) => "Норма",
        (Health.Attention, false) => "ATTENTION",
        (Health.Attention, true) => "ВНИМАНИЕ",
        (_, false) => "CRITICAL",
        (_, true) => "АВАРИЯ",
    };

    /// <summary>The link in words, e.g. "up since 10:42" or "waiting for the analyzer to connect to port 5001".</summary>
    public string Link(InstrumentStatus i)
    {
        var since = i.Since is { } s ? Time(s) : "?";
        return (i.Link, Ru) switch
        {
            ("up", false) => $"connected since {since}",
            ("up", true) => $"подключён с {since}",
            ("waiting", false) => $"idle: waiting for the analyzer to connect ({i.Where})",
            ("waiting", true) => $"ожидает: анализатор подключится сам ({Where(i)})",
            ("disabled", false) => "switched off in the configuration",
            ("disabled", true) => "отключён в настройках",
            (_, false) => $"NO CONNECTION since {since}",
            (_, true) => $"НЕТ СВЯЗИ с {since}",
        };
    }

    /// <summary>A short word for the link, shown beside a symbol so the state is never conveyed by colour alone (WCAG 1.4.1).</summary>
    public string LinkWord(string link) => (link, Ru) switch
    {
        ("up", false) => "connected",
        ("up", true) => "подключён",
        ("waiting", false) => "idle",
        ("waiting", true) => "ожидает",
        ("disabled", false) => "off",
        ("disabled", true) => "отключён",
        (_, false) => "no connection",
        (_, true) => "нет связи",
    };

    public string LastMessage(InstrumentStatus i)
    {
        if (i.LastMessageAt is not { } at) return Ru ? "сообщений ещё не было" : "no message yet";
        var kind = (i.LastMessageKind, Ru) switch
        {
            (MessageKind.QualityControl, false) => "QC",
            (MessageKind.QualityControl, true) => "контроль качества",
            (MessageKind.Calibration, false) => "calibration",
            (MessageKind.Calibration, true) => "калибровка",
            (MessageKind.Unreadable, false) => "unreadable, kept for review",
            (MessageKind.Unreadable, true) => "не разобрано, сохранено для проверки",
            (_, false) => "results",
            (_, true) => "результаты",
        };
        return $"{Time(at)} ({kind})";
    }

    public string MessagesToday(int count) => Ru ? $"{count} за сегодня" : $"{count} today";

    /// <summary>The problem to show for an instrument now, with what to do; null when there is none worth a person's time.</summary>
    public Advice? Problem(InstrumentStatus i)
    {
        var p = i.LastProblem;
        var linkBad = i.Link == "down";
        if (p is null)
            return linkBad ? new Advice(Ru ? $"Нет связи с анализатором ({Where(i)})." : $"No connection to the analyzer ({i.Where}).", GenericToDo(i)) : null;
        // A link problem that the link has since recovered from is history, not a task.
        var linkProblem = p.Kind is not (ProblemKind.MessageUnreadable or ProblemKind.StoreFull or ProblemKind.StoreFailed);
        if (linkProblem && !linkBad) return null;
        var at = Time(p.At);
        var where = Ru ? Where(i) : i.Where;
        return (p.Kind, Ru) switch
        {
            (ProblemKind.DeviceMissing, false) => new($"The gateway does not see the analyzer's cable on {where} since {at}.",
                "Check that the analyzer's USB/serial cable is plugged into the gateway. The gateway reconnects by itself once it is back."),
            (ProblemKind.DeviceMissing, true) => new($"Шлюз не видит кабель анализатора на {where} с {at}.",
                "Проверьте, что USB/COM-кабель анализатора вставлен в шлюз. Шлюз подключится сам, как только кабель появится."),
            (ProblemKind.DeviceNotPermitted, false) => new($"The gateway is not allowed to open {where} (since {at}).",
                "Call regional IT: the gateway's user must be in the dialout group."),
            (ProblemKind.DeviceNotPermitted, true) => new($"Шлюзу запрещено открывать {where} (с {at}).",
                "Позвоните в региональную ИТ-службу: пользователя шлюза нужно добавить в группу dialout."),
            (ProblemKind.ConnectionLost, false) => new($"No answer from the analyzer on {where} since {at}.",
                "Check the cable at both ends and that the analyzer is on with its host (LIS) interface switched on."),
            (ProblemKind.ConnectionLost, true) => new($"Анализатор на {where} не отвечает с {at}.",
                "Проверьте кабель с обеих сторон, что анализатор включён и в нём включена связь с ЛИС (host interface)."),
            (ProblemKind.PeerClosed, false) => new($"The analyzer on {where} closed the connection at {at}.",
                "If it does not come back by itself, check that the analyzer is on and its host (LIS) interface is switched on."),
            (ProblemKind.PeerClosed, true) => new($"Анализатор на {where} закрыл соединение в {at}.",
                "Если связь не восстановится сама, проверьте, что анализатор включён и в нём включена связь с ЛИС (host interface)."),
            (ProblemKind.PortInUse, false) => new($"Another program uses the analyzer's port ({where}) since {at}.",
                "Call regional IT: stop the other program or change this instrument's port in the configuration."),
            (ProblemKind.PortInUse, true) => new($"Порт анализатора ({where}) занят другой программой с {at}.",
                "Позвоните в региональную ИТ-службу: остановите другую программу или смените порт прибора в настройках."),
            (ProblemKind.AnalyzerUnreachable, false) => new($"The gateway cannot reach the analyzer at {where} since {at}.",
                "Check that the analyzer is on, its network cable is plugged in, and its IP address has not changed."),
            (ProblemKind.AnalyzerUnreachable, true) => new($"Шлюз не может связаться с анализатором по адресу {where} с {at}.",
                "Проверьте, что анализатор включён, сетевой кабель вставлен и IP-адрес анализатора не менялся."),
            (ProblemKind.CannotStart, false) => new($"This instrument's settings cannot be used (since {at}).",
                "Call regional IT: the instrument's configuration or profile needs fixing."),
            (ProblemKind.CannotStart, true) => new($"Настройки этого прибора не подходят (с {at}).",
                "Позвоните в региональную ИТ-службу: нужно исправить настройки или профиль прибора."),
            (ProblemKind.MessageUnreadable, false) => new($"A message at {at} could not be read; it is kept for review, nothing is lost.",
                "If it happens again, tell regional IT (the analyzer's output settings may have changed)."),
            (ProblemKind.MessageUnreadable, true) => new($"Сообщение в {at} не удалось разобрать; оно сохранено для проверки, ничего не потеряно.",
                "Если повторится, сообщите в региональную ИТ-службу (могли измениться настройки вывода анализатора)."),
            (ProblemKind.StoreFull, false) => new($"The gateway's store is full since {at}: the analyzer is told to wait.",
                "Check the gateway's network connection to the hub; call regional IT. The analyzer keeps its results meanwhile."),
            (ProblemKind.StoreFull, true) => new($"Хранилище шлюза заполнено с {at}: анализатору отказано в приёме.",
                "Проверьте сетевое подключение шлюза к серверу; позвоните в ИТ-службу. Анализатор пока хранит результаты у себя."),
            (ProblemKind.StoreFailed, false) => new($"The gateway could not save a message at {at}: the analyzer is told to resend.",
                "Call regional IT at once: the gateway's disk may be failing."),
            (ProblemKind.StoreFailed, true) => new($"Шлюз не смог сохранить сообщение в {at}: анализатор повторит передачу.",
                "Срочно позвоните в ИТ-службу: возможна неисправность диска шлюза."),
            (_, false) => new($"The link went down at {at}: {p.Detail}", GenericToDo(i)),
            (_, true) => new($"Связь прервалась в {at}: {p.Detail}", GenericToDo(i)),
        };
    }

    public Advice Uplink(UplinkStatus u) => (u.Connected, Ru) switch
    {
        (true, false) => new($"Connected to the hub's broker ({u.Broker}) since {Time(u.Since)}.", null),
        (true, true) => new($"Связь с сервером ({u.Broker}) есть с {Time(u.Since)}.", null),
        (false, false) => new($"Not connected to the hub's broker ({u.Broker}) since {Time(u.Since)}. Results are kept here and sent later.",
            "Check the gateway's network cable and the lab's internet connection; call regional IT if it lasts."),
        (false, true) => new($"Нет связи с сервером ({u.Broker}) с {Time(u.Since)}. Результаты сохраняются здесь и уйдут позже.",
            "Проверьте сетевой кабель шлюза и интернет в лаборатории; если не проходит, позвоните в ИТ-службу."),
    };

    public string LastHubAck(DateTimeOffset? at) => at is { } a
        ? Ru ? $"сервер последний раз подтвердил приём в {Time(a)}" : $"the hub last confirmed receipt at {Time(a)}"
        : Ru ? "сервер ещё не подтверждал приём после запуска" : "no confirmation from the hub since start";

    /// <summary>The client certificate's expiry; the gateway renews it by itself, so this is for information.</summary>
    public string CertificateExpiry(DateTimeOffset notAfter) =>
        Ru ? $"действителен до {Time(notAfter)} (обновляется автоматически)" : $"valid until {Time(notAfter)} (renewed automatically)";

    public string Outbox(OutboxStatus o)
    {
        if (o.Depth == 0) return Ru ? "Всё отправлено на сервер." : "Everything has been sent to the hub.";
        var oldest = o.OldestUnsentAt is { } t ? Time(t) : "?";
        return Ru ? $"Ждут отправки: {o.Depth}, самое старое с {oldest}." : $"Waiting to be sent: {o.Depth}, the oldest since {oldest}.";
    }

    private string Where(InstrumentStatus i) => i.Where.StartsWith("port ", StringComparison.Ordinal) ? "порт " + i.Where[5..] : i.Where;

    private string GenericToDo(InstrumentStatus i) => (i.Transport, Ru) switch
    {
        ("serial", false) or ("scanner", false) => "Check the cable at both ends and that the device is switched on.",
        ("serial", true) or ("scanner", true) => "Проверьте кабель с обеих сторон и что устройство включено.",
        (_, false) => "Check the analyzer is on and its network settings point to this gateway.",
        (_, true) => "Проверьте, что анализатор включён и в его сетевых настройках указан этот шлюз.",
    };
}
