namespace Pipeline.Core.Tests.Triggers;

/// <summary>
/// Every trigger field a later step relies on is checked at the trigger, with the shared grammar in
/// Pipeline.Core.Naming, so a run never starts on a value that RecordVersion, the manifest or CodeBuild refuses.
/// </summary>
public sealed class TriggerGrammarTests
{
    private const string Commit = "0d1a26e67d8f5eaf1f6ba5c57fc3c7d91ac0fd1c";
    private const string OwnUrl = "https://git-codecommit.us-east-2.amazonaws.com/v1/repos/orders";
    private readonly TriggerNormalizer normalizer = new(TriggerSettings.FromEnvironment("main", "us-east-2"));

    private static JsonElement Manual(Action<JsonObject> change)
    {
        var trigger = new JsonObject { ["service"] = "orders", ["commit"] = Commit };
        change(trigger);
        return SampleEvents.Parse(trigger.ToJsonString());
    }

    private static JsonElement GitHubPush(Action<JsonObject> change)
    {
        var trigger = JsonNode.Parse(File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "Triggers", "Events", "github-push-main.json")))!.AsObject();
        change(trigger["detail"]!.AsObject());
        return SampleEvents.Parse(trigger.ToJsonString());
    }

    private string Refused(JsonElement trigger) =>
        Assert.Throws<InvalidInputException>(() => normalizer.Normalize(trigger)).Message;

    [Theory]
    [InlineData("Orders", "service 'Orders' is not a service name: it has upper-case 'O'; use lower case")]
    [InlineData("order_history", "service 'order_history' is not a service name: it has '_'")]
    [InlineData("orders.v2", "service 'orders.v2' is not a service name: it has '.'")]
    [InlineData("orders\n", "service 'orders\\n' is not a service name: it has U+000A")]
    [InlineData(" orders", "service ' orders' is not a service name: it has U+0020")]
    [InlineData("abcdefghijklmnopqrstuvwxyz0123456", "service 'abcdefghijklmnopqrstuvwxyz0123456' is not a service name: it is 33 characters long; at most 32")]
    public void Normalize_WhenManualServiceNameIsOneNoManifestCanHave_ShouldRefuseWithTheReason(string service, string message)
    {
        var error = Refused(Manual(t => t["service"] = service));

        Assert.StartsWith(message, error, StringComparison.Ordinal);
        Assert.EndsWith("(service names are lower-case letters, digits and '-', starting with a letter, not ending with '-', at most 32 characters)", error, StringComparison.Ordinal);
    }

    [Fact]
    public void Normalize_WhenServiceNameIsAHundredCharacters_ShouldRefuseItShowingItCut()
    {
        var error = Refused(Manual(t => t["service"] = new string('o', 100)));

        Assert.StartsWith($"service '{new string('o', 80)}'... (100 characters) is not a service name: it is 100 characters long; at most 32", error, StringComparison.Ordinal);
    }

    [Fact]
    public void Normalize_WhenCodeCommitRepositoryHasUpperCase_ShouldRefuseIt()
    {
        var trigger = SampleEvents.Load("codecommit-branch-updated.json").GetRawText().Replace("\"orders\"", "\"Orders\"", StringComparison.Ordinal);

        Assert.StartsWith("detail.repositoryName 'Orders' is not a service name: it has upper-case 'O'", Refused(SampleEvents.Parse(trigger)), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("0d1a26e", "commit '0d1a26e' is not a full commit id: it is 7 hex digits; a full commit id has 40")]
    [InlineData("0d1a26e67d8f5eaf1f6ba5c57fc3c7d91ac0fd1c0d1a26e67d8f5eaf1f6ba5c5", "commit '0d1a26e67d8f5eaf1f6ba5c57fc3c7d91ac0fd1c0d1a26e67d8f5eaf1f6ba5c5' is not a full commit id: it is 64 hex digits; a full commit id has 40")]
    [InlineData("0d1a26e67d8f5eaf1f6ba5c57fc3c7d91ac0fd1c\n", "commit '0d1a26e67d8f5eaf1f6ba5c57fc3c7d91ac0fd1c\\n' is not a full commit id: it has U+000A, which is not a hex digit")]
    public void Normalize_WhenManualCommitIsNotAFullSha_ShouldRefuseIt(string commit, string message) =>
        Assert.Equal(message, Refused(Manual(t => t["commit"] = commit)));

    [Fact]
    public void Normalize_WhenGitHubAfterIsASha256Id_ShouldRefuseIt() =>
        Assert.Equal("detail.after '0d1a26e67d8f5eaf1f6ba5c57fc3c7d91ac0fd1c0d1a26e67d8f5eaf1f6ba5c5' is not a full commit id: it is 64 hex digits; a full commit id has 40",
            Refused(GitHubPush(d => d["after"] = Commit + "0d1a26e67d8f5eaf1f6ba5c5")));

    [Theory]
    [InlineData("main\n", "branch 'main\\n' is not a branch name: it has U+000A, which git does not allow")]
    [InlineData("a..b", "branch 'a..b' is not a branch name: it has '..', which git does not allow")]
    [InlineData("-f", "branch '-f' is not a branch name: it starts with '-', which git does not allow in a branch name")]
    [InlineData("x.lock", "branch 'x.lock' is not a branch name: it has a part ending with '.lock' ('x.lock'), which git does not allow")]
    [InlineData("a\u001b[31m", "branch 'a\\u001b[31m' is not a branch name: it has U+001B, which git does not allow")]
    public void Normalize_WhenManualBranchBreaksCheckRefFormat_ShouldRefuseIt(string branch, string message) =>
        Assert.StartsWith(message, Refused(Manual(t => t["branch"] = branch)), StringComparison.Ordinal);

    [Theory]
    [InlineData("refs/heads/-x", "detail.ref 'refs/heads/-x' is not a branch name: it starts with '-'")]
    [InlineData("refs/heads/a..b", "detail.ref 'refs/heads/a..b' is not a git ref name: it has '..'")]
    [InlineData("refs/heads/main\r", "detail.ref 'refs/heads/main\\r' is not a git ref name: it has U+000D")]
    [InlineData("refs/tags/v1 2", "detail.ref 'refs/tags/v1 2' is not a git ref name: it has U+0020")]
    public void Normalize_WhenGitHubRefIsNotAGitRefName_ShouldRefuseIt(string reference, string message) =>
        Assert.StartsWith(message, Refused(GitHubPush(d => d["ref"] = reference)), StringComparison.Ordinal);

    [Fact]
    public void Normalize_WhenManualReasonHasANewline_ShouldRefuseIt() =>
        Assert.Equal("reason 'x\\nINFO forged' is not one line of text: it has U+000A; give one line without control characters",
            Refused(Manual(t => t["reason"] = "x\nINFO forged")));

    [Fact]
    public void Normalize_WhenManualUrlIsTheServicesOwn_ShouldKeepIt()
    {
        var request = normalizer.Normalize(Manual(t => t["repositoryUrl"] = OwnUrl));

        Assert.Equal((PipelineActions.Build, OwnUrl), (request.Action, request.RepositoryUrl));
    }

    [Theory]
    [InlineData("https://git-codecommit.us-east-2.amazonaws.com/v1/repos/billing")]
    [InlineData("https://git-codecommit.eu-west-1.amazonaws.com/v1/repos/orders")]
    [InlineData("https://github.com/attacker/orders.git")]
    [InlineData("https://git-codecommit.us-east-2.amazonaws.com/v1/repos/orders/")]
    [InlineData("https://git-codecommit.us-east-2.amazonaws.com/v1/repos/orders\n")]
    [InlineData("codecommit::us-east-2://orders")]
    [InlineData("file:///etc")]
    public void Normalize_WhenManualUrlIsNotTheServicesOwn_ShouldRefuseNamingTheOnlyUrlAllowed(string url)
    {
        var error = Refused(Manual(t => t["repositoryUrl"] = url));

        Assert.StartsWith("repositoryUrl '", error, StringComparison.Ordinal);
        Assert.EndsWith($" is not the repository of service 'orders'; a manual run builds only {OwnUrl}, so give that URL or leave repositoryUrl out", error, StringComparison.Ordinal);
    }

    [Fact]
    public void Normalize_WhenManualRedeployNamesAnotherUrl_ShouldRefuseItToo() =>
        Assert.StartsWith("repositoryUrl 'https://github.com/attacker/orders.git' is not the repository of service 'orders'",
            Refused(SampleEvents.Parse("""{"service":"orders","version":"1.4.7-0d1a26e","repositoryUrl":"https://github.com/attacker/orders.git"}""")),
            StringComparison.Ordinal);

    [Fact]
    public void Normalize_WhenRegionIsUnknownAndManualNamesAUrl_ShouldRefuseIt()
    {
        var unknown = new TriggerNormalizer(TriggerSettings.FromDeployBranch("main"));

        var error = Assert.Throws<InvalidInputException>(() => unknown.Normalize(Manual(t => t["repositoryUrl"] = OwnUrl)));

        Assert.Contains("the function's region (AWS_REGION) is unknown", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("https://x-access-token:ghp_secret@github.com/acme/orders.git", "must start with https://github.com/")]
    [InlineData("https://github.com.evil.example/acme/orders.git", "must start with https://github.com/")]
    [InlineData("http://github.com/acme/orders.git", "must start with https://github.com/")]
    [InlineData("https://github.com/acme/orders.git\n", "has U+000A")]
    [InlineData("https://github.com/acme/billing.git", "must end in /orders.git")]
    public void Normalize_WhenGitHubCloneUrlIsNotAPlainGitHubUrl_ShouldRefuseIt(string url, string problem)
    {
        var error = Refused(GitHubPush(d => d["repository"]!["clone_url"] = url));

        Assert.StartsWith("detail.repository.clone_url '", error, StringComparison.Ordinal);
        Assert.Contains($"is not a GitHub clone URL: it {problem}", error, StringComparison.Ordinal);
    }

    [Fact]
    public void Normalize_WhenCodeCommitRegionIsNotARegion_ShouldRefuseIt()
    {
        var trigger = SampleEvents.Load("codecommit-branch-updated.json").GetRawText().Replace("\"us-east-2\"", "\"evil.example/x#\"", StringComparison.Ordinal);

        Assert.Equal("region 'evil.example/x#' is not an AWS region code such as us-east-1", Refused(SampleEvents.Parse(trigger)));
    }

    [Theory]
    [InlineData("main\n")]
    [InlineData("-main")]
    [InlineData("HEAD")]
    [InlineData("refs/heads/a..b")]
    public void TriggerSettings_WhenDeployBranchBreaksCheckRefFormat_ShouldRefuseIt(string branch) =>
        Assert.Throws<InvalidInputException>(() => TriggerSettings.FromEnvironment(branch, "us-east-1"));

    [Fact]
    public void TriggerSettings_WhenRegionIsNotARegionCode_ShouldRefuseIt() =>
        Assert.Throws<InvalidInputException>(() => TriggerSettings.FromEnvironment("main", "us-east-1\n"));
}
