namespace Pipeline.Core.Tests.Naming;

public sealed class RepositoryUrlTests
{
    [Fact]
    public void GitHubCloneProblem_WhenUrlIsTheOneGitHubSends_ShouldBeNull() =>
        Assert.Null(RepositoryUrl.GitHubCloneProblem("https://github.com/acme/orders.git", "orders"));

    [Theory]
    [InlineData("http://github.com/acme/orders.git", "must start with https://github.com/ (https, the github.com host, no credentials or port)")]
    [InlineData("https://token:x@github.com/acme/orders.git", "must start with https://github.com/ (https, the github.com host, no credentials or port)")]
    [InlineData("https://github.com.evil.example/acme/orders.git", "must start with https://github.com/ (https, the github.com host, no credentials or port)")]
    [InlineData("https://github.com:8443/acme/orders.git", "must start with https://github.com/ (https, the github.com host, no credentials or port)")]
    [InlineData("https://evil.example/acme/orders.git", "must start with https://github.com/ (https, the github.com host, no credentials or port)")]
    [InlineData("ssh://git@github.com/acme/orders.git", "must start with https://github.com/ (https, the github.com host, no credentials or port)")]
    [InlineData("https://github.com/acme/orders.git\n", "has U+000A")]
    [InlineData("https://github.com/acme/ord\u0000ers.git", "has U+0000")]
    [InlineData("https://github.com/acme/orders.git?x=1", "must end in /orders.git, the repository the event names")]
    [InlineData("https://github.com/acme/orders.git#frag", "must end in /orders.git, the repository the event names")]
    [InlineData("https://github.com/acme/billing.git", "must end in /orders.git, the repository the event names")]
    [InlineData("https://github.com/acme/orders", "must end in /orders.git, the repository the event names")]
    [InlineData("https://github.com/acme/x/../orders.git", "must be https://github.com/OWNER/orders.git")]
    [InlineData("https://github.com/a%2e%2e/orders.git", "has owner 'a%2e%2e', which is not a GitHub account name (letters, digits and '-', at most 39)")]
    [InlineData("https://github.com/-acme/orders.git", "has owner '-acme', which is not a GitHub account name (letters, digits and '-', at most 39)")]
    [InlineData("", "is empty")]
    public void GitHubCloneProblem_WhenUrlIsNotAPlainGitHubCloneUrl_ShouldSayWhy(string url, string problem) =>
        Assert.Equal(problem, RepositoryUrl.GitHubCloneProblem(url, "orders"));

    [Fact]
    public void CodeCommit_ShouldBeTheUrlTheLocalGitHostAndCodeBuildResolve() =>
        Assert.Equal("https://git-codecommit.eu-west-1.amazonaws.com/v1/repos/orders", RepositoryUrl.CodeCommit("eu-west-1", "orders"));

    [Theory]
    [InlineData("us-east-1", true)]
    [InlineData("us-gov-west-1", true)]
    [InlineData("ap-southeast-2", true)]
    [InlineData("us-east-1\n", false)]
    [InlineData("evil.example/x#", false)]
    [InlineData("US-EAST-1", false)]
    [InlineData("useast1", false)]
    public void AwsRegion_IsValid_ShouldAcceptOnlyRegionCodes(string region, bool valid) =>
        Assert.Equal(valid, AwsRegion.IsValid(region));
}
