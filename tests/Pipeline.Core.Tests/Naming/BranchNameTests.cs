namespace Pipeline.Core.Tests.Naming;

public sealed class BranchNameTests
{
    [Fact]
    public void Problem_WhenLongerThan255_ShouldRefuseIt() =>
        Assert.Equal("is 256 characters long; at most 255", BranchName.Problem(new string('a', 256)));

    [Fact]
    public void Problem_ForGeneratedAsciiNames_ShouldAgreeWithGitCheckRefFormat()
    {
        // git itself is the oracle: every printable-ASCII name the rules judge must get git's verdict.
        // "@" alone is the one name refused on purpose although `--branch` accepts it (it means HEAD there).
        const string alphabet = "ab/.-_@{}~^:?*[\\ lockHEAD";
        var random = new Random(13);
        var names = Enumerable.Range(0, 300)
            .Select(_ => new string([.. Enumerable.Range(0, random.Next(1, 9)).Select(_ => alphabet[random.Next(alphabet.Length)])]))
            .Concat(["main.lock", "a/.lock", "x.lock.y", "HEAD/x", "-", "a-", "a..", "@x", "x@", "{@", "refs/heads/x"])
            .Where(n => n != "@")
            .Distinct()
            .ToList();

        var disagreements = names
            .Where(n => BranchName.IsValid(n) != GitAccepts(n))
            .Select(n => $"'{n}': ours {BranchName.IsValid(n)}, git {GitAccepts(n)}")
            .ToList();

        Assert.Empty(disagreements);
    }

    private static bool GitAccepts(string branch)
    {
        var start = new ProcessStartInfo("git") { RedirectStandardOutput = true, RedirectStandardError = true, WorkingDirectory = Path.GetTempPath() };
        start.ArgumentList.Add("check-ref-format");
        start.ArgumentList.Add("--branch");
        start.ArgumentList.Add(branch);
        using var git = Process.Start(start)!;
        git.StandardOutput.ReadToEnd();
        git.StandardError.ReadToEnd();
        git.WaitForExit();
        return git.ExitCode == 0;
    }
}
