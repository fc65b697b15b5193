namespace Pipeline.Core.Tests.Triggers;

public sealed class TriggerNormalizerTests
{
    private const string CodeCommitCommit = "3d2ff4ce25e64c1a0b9a1d5e4c8f2c9e0b7a6d51";
    private const string GitHubCommit = "0d1a26e67d8f5eaf1f6ba5c57fc3c7d91ac0fd1c";
    private readonly TriggerNormalizer normalizer = new(TriggerSettings.FromDeployBranch(null));

    private PipelineRequest Normalize(string file) => normalizer.Normalize(SampleEvents.Load(file));

    private InvalidInputException Invalid(JsonElement trigger) =>
        Assert.Throws<InvalidInputException>(() => normalizer.Normalize(trigger));

    [Theory]
    [InlineData("codecommit-branch-updated.json")]
    [InlineData("codecommit-branch-created.json")]
    public void Normalize_WhenCodeCommitPushesDeployBranch_ShouldBuildTheCommit(string file)
    {
        var request = Normalize(file);

        Assert.Equal(new PipelineRequest(PipelineActions.Build, "orders", CodeCommitCommit, null, "main", TriggerSources.CodeCommit,
            "3d2ff4c pushed to main of orders in CodeCommit", "https://git-codecommit.us-east-2.amazonaws.com/v1/repos/orders"), request);
    }

    [Fact]
    public void Normalize_WhenGitHubPushesDeployBranch_ShouldBuildTheCommitWithCloneUrl()
    {
        var request = Normalize("github-push-main.json");

        Assert.Equal(new PipelineRequest(PipelineActions.Build, "orders", GitHubCommit, null, "main", TriggerSources.GitHub,
            "0d1a26e pushed to main of orders on GitHub", "https://github.com/acme/orders.git"), request);
    }

    [Theory]
    [InlineData("codecommit-tag-created.json", "tag 'v1.4.2' was pushed")]
    [InlineData("codecommit-branch-deleted.json", "branch 'main' was deleted")]
    [InlineData("codecommit-other-branch.json", "branch 'feature/login' is not the deploy branch 'main'")]
    [InlineData("github-push-tag.json", "tag 'v1.4.2' was pushed")]
    [InlineData("github-branch-deleted.json", "branch 'main' was deleted")]
    [InlineData("github-push-other-branch.json", "branch 'feature/login' is not the deploy branch 'main'")]
    [InlineData("github-ping.json", "GitHub event 'ping' is not a push")]
    public void Normalize_WhenPushNeedsNoRun_ShouldSayNothingToDoAndWhy(string file, string reason)
    {
        var request = Normalize(file);

        Assert.Equal(PipelineActions.None, request.Action);
        Assert.StartsWith(reason, request.Reason, StringComparison.Ordinal);
        Assert.Null(request.Commit);
        Assert.Null(request.Version);
    }

    [Fact]
    public void Normalize_WhenDeployBranchIsConfigured_ShouldBuildOnlyThatBranch()
    {
        var release = new TriggerNormalizer(TriggerSettings.FromDeployBranch("refs/heads/feature/login"));

        Assert.Equal(PipelineActions.Build, release.Normalize(SampleEvents.Load("codecommit-other-branch.json")).Action);
        Assert.Equal(PipelineActions.Build, release.Normalize(SampleEvents.Load("github-push-other-branch.json")).Action);
        Assert.Equal(PipelineActions.None, release.Normalize(SampleEvents.Load("github-push-main.json")).Action);
    }

    [Fact]
    public void Normalize_WhenManualInputNamesCommit_ShouldBuildItWithGivenReason()
    {
        var request = Normalize("manual-build.json");

        Assert.Equal(new PipelineRequest(PipelineActions.Build, "orders", GitHubCommit, null, null, TriggerSources.Manual,
            "rebuild after the npm registry outage", null), request);
    }

    [Fact]
    public void Normalize_WhenManualInputNamesVersion_ShouldRedeployIt()
    {
        var request = Normalize("manual-redeploy.json");

        Assert.Equal(new PipelineRequest(PipelineActions.Redeploy, "orders", null, "1.4.7-0d1a26e", null, TriggerSources.Manual,
            "manual redeploy of orders 1.4.7-0d1a26e", null), request);
    }

    [Theory]
    [InlineData("codecommit-missing-commit.json", "detail.commitId is required")]
    [InlineData("github-repository-name-number.json", "detail.repository.name has the wrong type")]
    [InlineData("manual-both.json", "not both")]
    [InlineData("manual-no-service.json", "service is required")]
    public void Normalize_WhenSampleIsMalformed_ShouldThrowInvalidInputNamingTheField(string file, string message)
    {
        var error = Invalid(SampleEvents.Load(file));

        Assert.Contains(message, error.Message, StringComparison.Ordinal);
        Assert.Equal("Pipeline.InvalidInput", error.ErrorType);
    }

    [Theory]
    [InlineData("""[1,2]""", "must be a JSON object")]
    [InlineData("""{"source":"aws.s3","detail-type":"Object Created"}""", "source 'aws.s3' is not a trigger source")]
    [InlineData("""{"source":7}""", "source must be a string")]
    [InlineData("""{"source":"github.com","detail-type":"push"}""", "detail is required")]
    [InlineData("""{"source":"github.com","detail-type":"push","detail":{"ref":"refs/heads/main","after":"abc","repository":{"name":"orders"}}}""", "detail.after 'abc' is not a full commit id: it is 3 hex digits; a full commit id has 40")]
    [InlineData("""{"source":"github.com","detail-type":"push","detail":{"after":"0d1a26e67d8f5eaf1f6ba5c57fc3c7d91ac0fd1c","repository":{"name":"orders"}}}""", "detail.ref is required")]
    [InlineData("""{"source":"github.com","detail-type":"push","detail":{"ref":"refs/heads/main","after":"0d1a26e67d8f5eaf1f6ba5c57fc3c7d91ac0fd1c"}}""", "detail.repository is required")]
    [InlineData("""{"source":"aws.codecommit","detail-type":"CodeCommit Repository State Change","detail":{"event":"referenceUpdated","repositoryName":"orders/../x","referenceType":"branch","referenceName":"main","commitId":"3d2ff4ce25e64c1a0b9a1d5e4c8f2c9e0b7a6d51"}}""", "detail.repositoryName 'orders/../x' is not a service name: it has '/'")]
    [InlineData("""{"source":"aws.codecommit","detail-type":"CodeCommit Repository State Change","detail":{"event":"referenceUpdated","repositoryName":"orders","referenceType":"note","referenceName":"main","commitId":"3d2ff4ce25e64c1a0b9a1d5e4c8f2c9e0b7a6d51"}}""", "detail.referenceType must be 'branch' or 'tag'")]
    [InlineData("""{"service":"orders"}""", "commit (to build) or version (to redeploy) is required")]
    [InlineData("""{"service":"orders","commit":"not-hex!"}""", "commit 'not-hex!' is not a full commit id: it has 'n', which is not a hex digit")]
    [InlineData("""{"service":"orders","commit":42}""", "commit has the wrong type")]
    [InlineData("""{"service":"orders","version":"1.4 7"}""", "version '1.4 7' is not a version label: it has U+0020; labels are letters, digits, '.', '_' and '-'")]
    [InlineData("""{"service":"","version":"1.4.7"}""", "service is required")]
    [InlineData("""{"service":"orders","version":"1.4.7","branch":"  "}""", "branch must not be empty")]
    public void Normalize_WhenTriggerIsMalformed_ShouldThrowInvalidInputNamingTheField(string json, string message)
    {
        var error = Invalid(SampleEvents.Parse(json));

        Assert.Contains(message, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Normalize_WhenManualCommitIsUpperCase_ShouldKeepItLowerCase()
    {
        var request = normalizer.Normalize(SampleEvents.Parse("""{"service":"orders","commit":"0D1A26E67D8F5EAF1F6BA5C57FC3C7D91AC0FD1C"}"""));

        Assert.Equal(GitHubCommit, request.Commit);
        Assert.Equal("manual build of 0d1a26e of orders", request.Reason);
    }

    [Fact]
    public void Serialize_WhenRequestHasNulls_ShouldWriteEveryFieldInCamelCase()
    {
        var json = JsonSerializer.Serialize(Normalize("github-push-tag.json"), PipelineJson.Default.PipelineRequest);

        var fields = JsonDocument.Parse(json).RootElement.EnumerateObject().Select(p => p.Name);
        Assert.Equal(["action", "service", "commit", "version", "branch", "source", "reason", "repositoryUrl"], fields);
    }

    [Theory]
    [InlineData("")]
    [InlineData("two words")]
    public void TriggerSettings_WhenBranchIsNotABranchName_ShouldThrowInvalidInput(string branch)
    {
        Assert.Throws<InvalidInputException>(() => new TriggerSettings(branch));
    }
}
