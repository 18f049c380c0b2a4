using EdgeLab.Hub.Domain;
using EdgeLab.Hub.Tests.Support;
using EdgeLab.Hub.Web.Auth;
using EdgeLab.LocalServices;

namespace EdgeLab.Hub.Tests.Web;

/// <summary><c>edgelab-hub users add|list|disable</c>, the built executable against a real SQLite file.</summary>
public sealed class UsersCommandTests
{
    [Fact]
    public async Task Add_list_and_disable_a_person_without_the_password_in_argv_or_output()
    {
        await using var hub = await TestHub.CreateAsync("sqlite");
        using var dir = new ScratchDirectory("users-cli");
        var passwordFile = Path.Combine(dir.Path, "pw.txt");
        await File.WriteAllTextAsync(passwordFile, "синий кит плывёт домой\n");

        var (addCode, addOut) = await RunAsync(["users", "add", "--login", "lab.tech", "--name", "Петров П. П.", "--organization", TestHub.Lab, "--role", "lab-technician", "--password-file", passwordFile, .. hub.StorageArguments]);
        var (badCode, badOut) = await RunAsync(["users", "add", "--login", "x.y.z", "--name", "X", "--organization", TestHub.Lab, "--role", "janitor", "--password-file", passwordFile, .. hub.StorageArguments]);
        var (listCode, listOut) = await RunAsync(["users", "list", .. hub.StorageArguments]);

        Assert.True(addCode == 0, addOut);
        Assert.Equal(2, badCode);
        Assert.Contains("--role 'janitor' is not a role", badOut, StringComparison.Ordinal);
        Assert.Equal(0, listCode);
        Assert.Contains("lab.tech\tПетров П. П.\tlab-1\tlab-technician", listOut, StringComparison.Ordinal);
        Assert.DoesNotContain("синий", addOut + listOut, StringComparison.Ordinal);
        var user = await hub.Store.GetWebUserAsync("lab.tech");
        Assert.NotNull(user);
        Assert.Equal(WebRole.LabTechnician, user.Role);
        Assert.DoesNotContain("синий", user.PasswordHash, StringComparison.Ordinal);
        var signIn = new PersonSignIn(hub.Store, TimeProvider.System);
        Assert.Equal(SignInOutcome.SignedIn, (await signIn.CheckAsync("lab.tech", "синий кит плывёт домой", default)).Outcome);

        var (disableCode, _) = await RunAsync(["users", "disable", "--login", "lab.tech", .. hub.StorageArguments]);
        Assert.Equal(0, disableCode);
        Assert.Equal(SignInOutcome.Disabled, (await signIn.CheckAsync("lab.tech", "синий кит плывёт домой", default)).Outcome);
    }

    private static async Task<(int Code, string Output)> RunAsync(string[] args)
    {
        await using var process = EdgeLabComponents.Start(EdgeLabComponents.Hub, args, name: "hub-users");
        Assert.True(await process.WaitForExitAsync(TimeSpan.FromMinutes(2)), "edgelab-hub users did not exit: " + process.Output);
        return (process.ExitCode, process.Output);
    }
}
