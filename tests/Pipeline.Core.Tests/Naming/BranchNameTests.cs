namespace Pipeline.Core.Tests.Naming;

public sealed class BranchNameTests
{
    [Theory]
    [InlineData("main")]
    [InlineData("feature/login")]
    [InlineData("release-1.4")]
    [InlineData("a.b/c-d_e")]
    [InlineData("über")]
    public void Problem_WhenGitAcceptsTheName_ShouldBeNull(string branch) => Assert.Null(BranchName.Problem(branch));

    [Theory]
    [InlineData("", "is empty")]
    [InlineData("a..b", "has '..', which git does not allow")]
    [InlineData("a b", "has U+0020, which git does not allow in a ref name (no spaces, control characters, ~ ^ : ? * [ or \\)")]
    [InlineData("main\n", "has U+000A, which git does not allow in a ref name (no spaces, control characters, ~ ^ : ? * [ or \\)")]
    [InlineData("ma\u007fin", "has U+007F, which git does not allow in a ref name (no spaces, control characters, ~ ^ : ? * [ or \\)")]
    [InlineData("ma\u2028in", "has U+2028, which git does not allow in a ref name (no spaces, control characters, ~ ^ : ? * [ or \\)")]
    [InlineData("a~1", "has '~', which git does not allow in a ref name (no spaces, control characters, ~ ^ : ? * [ or \\)")]
    [InlineData("a^", "has '^', which git does not allow in a ref name (no spaces, control characters, ~ ^ : ? * [ or \\)")]
    [InlineData("a:b", "has ':', which git does not allow in a ref name (no spaces, control characters, ~ ^ : ? * [ or \\)")]
    [InlineData("a?", "has '?', which git does not allow in a ref name (no spaces, control characters, ~ ^ : ? * [ or \\)")]
    [InlineData("a*", "has '*', which git does not allow in a ref name (no spaces, control characters, ~ ^ : ? * [ or \\)")]
    [InlineData("a[0]", "has '[', which git does not allow in a ref name (no spaces, control characters, ~ ^ : ? * [ or \\)")]
    [InlineData("a\\b", "has '\\', which git does not allow in a ref name (no spaces, control characters, ~ ^ : ? * [ or \\)")]
    [InlineData("-rf", "starts with '-', which git does not allow in a branch name")]
    [InlineData("/main", "starts with '/', which git does not allow")]
    [InlineData("a//b", "has '//', which git does not allow")]
    [InlineData("main/", "ends with '/', which git does not allow")]
    [InlineData("main.", "ends with '.', which git does not allow")]
    [InlineData("main.lock", "has a part ending with '.lock' ('main.lock'), which git does not allow")]
    [InlineData("a.lock/b", "has a part ending with '.lock' ('a.lock'), which git does not allow")]
    [InlineData(".hidden", "has a part starting with '.' ('.hidden'), which git does not allow")]
    [InlineData("a/.b", "has a part starting with '.' ('.b'), which git does not allow")]
    [InlineData("a@{1}", "has '@{', which git does not allow")]
    [InlineData("@", "is '@', which git does not allow as a ref name")]
    [InlineData("HEAD", "is 'HEAD', which git does not allow as a branch name")]
    public void Problem_WhenCheckRefFormatRefusesTheName_ShouldSayWhy(string branch, string problem) =>
        Assert.Equal(problem, BranchName.Problem(branch));

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
