namespace Pipeline.Core.Tests.Naming;

public sealed class CommitShaTests
{
    [Theory]
    [InlineData("0d1a26e67d8f5eaf1f6ba5c57fc3c7d91ac0fd1c")]
    [InlineData("0D1A26E67D8F5EAF1F6BA5C57FC3C7D91AC0FD1C")]
    public void Problem_WhenFortyHexDigits_ShouldBeNull(string commit) => Assert.Null(CommitSha.Problem(commit));

    [Theory]
    [InlineData("0d1a26e", "is 7 hex digits; a full commit id has 40")]
    [InlineData("0d1a26e67d8f5eaf1f6ba5c57fc3c7d91ac0fd1", "is 39 hex digits; a full commit id has 40")]
    [InlineData("0d1a26e67d8f5eaf1f6ba5c57fc3c7d91ac0fd1c0", "is 41 hex digits; a full commit id has 40")]
    [InlineData("0d1a26e67d8f5eaf1f6ba5c57fc3c7d91ac0fd1c0d1a26e67d8f5eaf1f6ba5c5", "is 64 hex digits; a full commit id has 40")]
    [InlineData("0d1a26e67d8f5eaf1f6ba5c57fc3c7d91ac0fd1c\n", "has U+000A, which is not a hex digit")]
    [InlineData("0d1a26e67d8f5eaf1f6ba5c57fc3c7d91ac0fd1g", "has 'g', which is not a hex digit")]
    [InlineData("", "is empty")]
    public void Problem_WhenNotAFullCommitId_ShouldSayWhy(string commit, string problem) =>
        Assert.Equal(problem, CommitSha.Problem(commit));
}
