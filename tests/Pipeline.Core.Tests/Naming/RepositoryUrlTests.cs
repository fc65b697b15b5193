namespace Pipeline.Core.Tests.Naming;

public sealed class RepositoryUrlTests
{
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
