namespace Pipeline.Core.Tests.Webhooks;

public sealed class GitHubSignatureTests
{
    // GitHub's documented test values ("Validating webhook deliveries", Testing the webhook payload validation).
    private static readonly byte[] DocSecret = Encoding.UTF8.GetBytes("It's a Secret to Everybody");
    private static readonly byte[] DocBody = Encoding.UTF8.GetBytes("Hello, World!");
    private const string DocSignature = "sha256=757107ea0eb2509fc211221cce984b8a37570b6d7586c22c46f4379c8b043e17";

    [Fact]
    public void Compute_WhenGivenGitHubsDocumentedExample_ShouldGiveItsSignature() =>
        Assert.Equal(DocSignature, GitHubSignature.Compute(DocSecret, DocBody));

    [Fact]
    public void Problem_WhenSignatureIsGitHubsDocumentedOne_ShouldBeNull() =>
        Assert.Null(GitHubSignature.Problem(DocSecret, DocBody, DocSignature, hasLegacyHeader: false));

    [Theory]
    [InlineData(null, false, "X-Hub-Signature-256 is missing")]
    [InlineData("", false, "X-Hub-Signature-256 is missing")]
    [InlineData(null, true, "only X-Hub-Signature (sha1) was sent; X-Hub-Signature-256 is required")]
    [InlineData("sha256=757107ea0eb2509fc211221cce984b8a37570b6d7586c22c46f4379c8b043e1", false, "X-Hub-Signature-256 does not match the body")]
    [InlineData("sha256=757107EA0EB2509FC211221CCE984B8A37570B6D7586C22C46F4379C8B043E17", false, "X-Hub-Signature-256 does not match the body")]
    [InlineData("757107ea0eb2509fc211221cce984b8a37570b6d7586c22c46f4379c8b043e17", false, "X-Hub-Signature-256 does not match the body")]
    [InlineData("sha1=757107ea0eb2509fc211221cce984b8a37570b6d7586c22c46f4379c8b043e17", false, "X-Hub-Signature-256 does not match the body")]
    [InlineData(" sha256=757107ea0eb2509fc211221cce984b8a37570b6d7586c22c46f4379c8b043e17", false, "X-Hub-Signature-256 does not match the body")]
    public void Problem_WhenHeaderIsMissingTruncatedUpperCaseOrOtherwiseWrong_ShouldSayWhy(string? header, bool legacy, string problem) =>
        Assert.Equal(problem, GitHubSignature.Problem(DocSecret, DocBody, header, legacy));

    [Fact]
    public void Problem_WhenBodyChangedAfterSigning_ShouldRefuseIt() =>
        Assert.NotNull(GitHubSignature.Problem(DocSecret, Encoding.UTF8.GetBytes("Hello, World?"), DocSignature, false));

    [Fact]
    public void Problem_WhenSignedWithAnotherSecret_ShouldRefuseIt() =>
        Assert.NotNull(GitHubSignature.Problem(Encoding.UTF8.GetBytes("another"), DocBody, DocSignature, false));
}
