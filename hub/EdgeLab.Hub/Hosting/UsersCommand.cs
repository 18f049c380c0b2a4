using System.CommandLine;
using EdgeLab.Hub.Domain;
using EdgeLab.Hub.Web.Auth;

namespace EdgeLab.Hub.Hosting;

/// <summary>
/// <c>edgelab-hub users add|list|disable</c>: people who sign in to the web pages. Same storage options as <c>run</c>.
/// The password is read from <c>--password-file</c> (one line) or, without it, as one line from standard input, so it
/// never appears in the process list or the shell history; only its hash is stored (<see cref="PersonSignIn"/>).
/// </summary>
internal static class UsersCommand
{
    public static Command Create()
    {
        var login = new Option<string>("--login") { Description = "Login, 3–64 of a-z 0-9 . _ - (e.g. ivanova.registrar)", Required = true };
        var name = new Option<string>("--name") { Description = "The person's name as the pages show it, e.g. 'Иванова А. А.'", Required = true };
        var organization = new Option<string>("--organization") { Description = "The clinic or lab the person works for (scopes what they see; must exist)", Required = true };
        var role = new Option<string>("--role") { Description = $"One of: {string.Join(", ", WebRoles.All)}", Required = true };
        var passwordFile = new Option<string?>("--password-file") { Description = "File holding the initial password (one line); default: read one line from standard input" };
        var add = new Command("add", "Add a person who signs in to the web pages") { login, name, organization, role, passwordFile };
        add.SetAction(async (result, ct) =>
        {
            var id = result.GetValue(login)!.Trim();
            if (id.Length is < 3 or > 64 || !id.All(c => char.IsAsciiLetterLower(c) || char.IsAsciiDigit(c) || c is '.' or '_' or '-'))
                throw new ArgumentException($"--login '{id}' is not valid; use 3–64 of a-z 0-9 . _ -");
            var display = result.GetValue(name)!.Trim();
            var nameProblem = display.Length == 0 ? "is empty" : Domain.FreeText.Problem(display, 200);
            if (nameProblem is not null) throw new ArgumentException($"--name {nameProblem}");
            if (!WebRoles.TryParse(result.GetValue(role), out var parsedRole))
                throw new ArgumentException($"--role '{result.GetValue(role)}' is not a role; use one of {string.Join(", ", WebRoles.All)}");
            var password = ReadPassword(result.GetValue(passwordFile));
            if (PersonSignIn.PasswordProblem(password) is { } weak) throw new ArgumentException($"the password is refused: {weak}");
            await using var scope = await CliScope.OpenAsync(result, ct).ConfigureAwait(false);
            await scope.Store.AddWebUserAsync(new WebUser
            {
                Login = id,
                DisplayName = display,
                OrganizationId = result.GetValue(organization)!,
                Role = parsedRole,
                PasswordHash = PersonSignIn.Hash(password),
                Created = DateTimeOffset.UtcNow,
            }, ct).ConfigureAwait(false);
            Console.WriteLine($"user {id} ({WebRoles.Name(parsedRole)}) added for organization {result.GetValue(organization)}");
            return 0;
        });

        var list = new Command("list", "List the people (never their password hashes)");
        list.SetAction(async (result, ct) =>
        {
            await using var scope = await CliScope.OpenAsync(result, ct).ConfigureAwait(false);
            Console.WriteLine("login\tname\torganization\trole\tcreated\tdisabled\tlocked until");
            var now = DateTimeOffset.UtcNow;
            foreach (var u in await scope.Store.ListWebUsersAsync(ct).ConfigureAwait(false))
            {
                var locked = u.LockedUntil is { } l && l > now ? l.ToString("O") : "-";
                Console.WriteLine($"{u.Login}\t{u.DisplayName}\t{u.OrganizationId}\t{WebRoles.Name(u.Role)}\t{u.Created:O}\t{u.DisabledAt?.ToString("O") ?? "-"}\t{locked}");
            }
            return 0;
        });

        var disableLogin = new Option<string>("--login") { Description = "Login", Required = true };
        var disable = new Command("disable", "Disable a person's sign-in at once (their current session ends at its next request)") { disableLogin };
        disable.SetAction(async (result, ct) =>
        {
            await using var scope = await CliScope.OpenAsync(result, ct).ConfigureAwait(false);
            var id = result.GetValue(disableLogin)!;
            if (!await scope.Store.DisableWebUserAsync(id, DateTimeOffset.UtcNow, ct).ConfigureAwait(false))
                throw new ArgumentException($"no active user '{id}' (see 'edgelab-hub users list')");
            Console.WriteLine($"user {id} disabled");
            return 0;
        });

        return new Command("users", "Manage the people who sign in to the hub's web pages") { add, list, disable };
    }

    private static string ReadPassword(string? file)
    {
        var line = file is null ? Console.In.ReadLine() : File.ReadLines(file).FirstOrDefault();
        return (line ?? "").TrimEnd('\r', '\n');
    }
}
