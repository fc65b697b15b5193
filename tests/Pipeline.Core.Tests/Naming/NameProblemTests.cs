namespace Pipeline.Core.Tests.Naming;

/// <summary>
/// The naming rules' verdicts in one table: a name a rule accepts has no problem, any other gets the
/// words that follow "it" in the refusal ("is empty", "has '..', which git does not allow").
/// </summary>
public sealed class NameProblemTests
{
    private static string? Problem(string rule, string value) => rule switch
    {
        "branch" => BranchName.Problem(value),
        "commit" => CommitSha.Problem(value),
        "service" => ServiceName.Problem(value),
        "GitHub clone URL of orders" => RepositoryUrl.GitHubCloneProblem(value, "orders"),
        _ => throw new ArgumentOutOfRangeException(nameof(rule), rule, "no such naming rule"),
    };

    [Theory]
    [InlineData("branch", "main", null)]
    [InlineData("branch", "feature/login", null)]
    [InlineData("branch", "release-1.4", null)]
    [InlineData("branch", "a.b/c-d_e", null)]
    [InlineData("branch", "über", null)]
    [InlineData("commit", "0d1a26e67d8f5eaf1f6ba5c57fc3c7d91ac0fd1c", null)]
    [InlineData("commit", "0D1A26E67D8F5EAF1F6BA5C57FC3C7D91AC0FD1C", null)]
    [InlineData("service", "orders", null)]
    [InlineData("service", "order-history", null)]
    [InlineData("service", "a", null)]
    [InlineData("service", "abcdefghijklmnopqrstuvwxyz012345", null)]
    [InlineData("GitHub clone URL of orders", "https://github.com/acme/orders.git", null)]
    [InlineData("branch", "", "is empty")]
    [InlineData("branch", "a..b", "has '..', which git does not allow")]
    [InlineData("branch", "a b", "has U+0020, which git does not allow in a ref name (no spaces, control characters, ~ ^ : ? * [ or \\)")]
    [InlineData("branch", "main\n", "has U+000A, which git does not allow in a ref name (no spaces, control characters, ~ ^ : ? * [ or \\)")]
    [InlineData("branch", "ma\u007fin", "has U+007F, which git does not allow in a ref name (no spaces, control characters, ~ ^ : ? * [ or \\)")]
    [InlineData("branch", "ma\u2028in", "has U+2028, which git does not allow in a ref name (no spaces, control characters, ~ ^ : ? * [ or \\)")]
    [InlineData("branch", "a~1", "has '~', which git does not allow in a ref name (no spaces, control characters, ~ ^ : ? * [ or \\)")]
    [InlineData("branch", "a^", "has '^', which git does not allow in a ref name (no spaces, control characters, ~ ^ : ? * [ or \\)")]
    [InlineData("branch", "a:b", "has ':', which git does not allow in a ref name (no spaces, control characters, ~ ^ : ? * [ or \\)")]
    [InlineData("branch", "a?", "has '?', which git does not allow in a ref name (no spaces, control characters, ~ ^ : ? * [ or \\)")]
    [InlineData("branch", "a*", "has '*', which git does not allow in a ref name (no spaces, control characters, ~ ^ : ? * [ or \\)")]
    [InlineData("branch", "a[0]", "has '[', which git does not allow in a ref name (no spaces, control characters, ~ ^ : ? * [ or \\)")]
    [InlineData("branch", "a\\b", "has '\\', which git does not allow in a ref name (no spaces, control characters, ~ ^ : ? * [ or \\)")]
    [InlineData("branch", "-rf", "starts with '-', which git does not allow in a branch name")]
    [InlineData("branch", "/main", "starts with '/', which git does not allow")]
    [InlineData("branch", "a//b", "has '//', which git does not allow")]
    [InlineData("branch", "main/", "ends with '/', which git does not allow")]
    [InlineData("branch", "main.", "ends with '.', which git does not allow")]
    [InlineData("branch", "main.lock", "has a part ending with '.lock' ('main.lock'), which git does not allow")]
    [InlineData("branch", "a.lock/b", "has a part ending with '.lock' ('a.lock'), which git does not allow")]
    [InlineData("branch", ".hidden", "has a part starting with '.' ('.hidden'), which git does not allow")]
    [InlineData("branch", "a/.b", "has a part starting with '.' ('.b'), which git does not allow")]
    [InlineData("branch", "a@{1}", "has '@{', which git does not allow")]
    [InlineData("branch", "@", "is '@', which git does not allow as a ref name")]
    [InlineData("branch", "HEAD", "is 'HEAD', which git does not allow as a branch name")]
    [InlineData("commit", "0d1a26e", "is 7 hex digits; a full commit id has 40")]
    [InlineData("commit", "0d1a26e67d8f5eaf1f6ba5c57fc3c7d91ac0fd1", "is 39 hex digits; a full commit id has 40")]
    [InlineData("commit", "0d1a26e67d8f5eaf1f6ba5c57fc3c7d91ac0fd1c0", "is 41 hex digits; a full commit id has 40")]
    [InlineData("commit", "0d1a26e67d8f5eaf1f6ba5c57fc3c7d91ac0fd1c0d1a26e67d8f5eaf1f6ba5c5", "is 64 hex digits; a full commit id has 40")]
    [InlineData("commit", "0d1a26e67d8f5eaf1f6ba5c57fc3c7d91ac0fd1c\n", "has U+000A, which is not a hex digit")]
    [InlineData("commit", "0d1a26e67d8f5eaf1f6ba5c57fc3c7d91ac0fd1g", "has 'g', which is not a hex digit")]
    [InlineData("commit", "", "is empty")]
    [InlineData("service", "", "is empty")]
    [InlineData("service", "Orders", "has upper-case 'O'; use lower case")]
    [InlineData("service", "order_s", "has '_'")]
    [InlineData("service", "orders.v2", "has '.'")]
    [InlineData("service", "abcdefghijklmnopqrstuvwxyz0123456", "is 33 characters long; at most 32")]
    [InlineData("service", "1orders", "must start with a letter")]
    [InlineData("service", "orders-", "must not end with '-'")]
    [InlineData("service", "orders\n", "has U+000A")]
    [InlineData("service", "ord\u2028ers", "has U+2028")]
    [InlineData("service", "ordérs", "has 'é'")]
    [InlineData("GitHub clone URL of orders", "http://github.com/acme/orders.git", "must start with https://github.com/ (https, the github.com host, no credentials or port)")]
    [InlineData("GitHub clone URL of orders", "https://token:x@github.com/acme/orders.git", "must start with https://github.com/ (https, the github.com host, no credentials or port)")]
    [InlineData("GitHub clone URL of orders", "https://github.com.evil.example/acme/orders.git", "must start with https://github.com/ (https, the github.com host, no credentials or port)")]
    [InlineData("GitHub clone URL of orders", "https://github.com:8443/acme/orders.git", "must start with https://github.com/ (https, the github.com host, no credentials or port)")]
    [InlineData("GitHub clone URL of orders", "https://evil.example/acme/orders.git", "must start with https://github.com/ (https, the github.com host, no credentials or port)")]
    [InlineData("GitHub clone URL of orders", "ssh://git@github.com/acme/orders.git", "must start with https://github.com/ (https, the github.com host, no credentials or port)")]
    [InlineData("GitHub clone URL of orders", "https://github.com/acme/orders.git\n", "has U+000A")]
    [InlineData("GitHub clone URL of orders", "https://github.com/acme/ord\u0000ers.git", "has U+0000")]
    [InlineData("GitHub clone URL of orders", "https://github.com/acme/orders.git?x=1", "must end in /orders.git, the repository the event names")]
    [InlineData("GitHub clone URL of orders", "https://github.com/acme/orders.git#frag", "must end in /orders.git, the repository the event names")]
    [InlineData("GitHub clone URL of orders", "https://github.com/acme/billing.git", "must end in /orders.git, the repository the event names")]
    [InlineData("GitHub clone URL of orders", "https://github.com/acme/orders", "must end in /orders.git, the repository the event names")]
    [InlineData("GitHub clone URL of orders", "https://github.com/acme/x/../orders.git", "must be https://github.com/OWNER/orders.git")]
    [InlineData("GitHub clone URL of orders", "https://github.com/a%2e%2e/orders.git", "has owner 'a%2e%2e', which is not a GitHub account name (letters, digits and '-', at most 39)")]
    [InlineData("GitHub clone URL of orders", "https://github.com/-acme/orders.git", "has owner '-acme', which is not a GitHub account name (letters, digits and '-', at most 39)")]
    [InlineData("GitHub clone URL of orders", "", "is empty")]
    public void Problem_ShouldBeNullWhenTheRuleAcceptsTheNameOrElseSayWhy(string rule, string value, string? problem) =>
        Assert.Equal(problem, Problem(rule, value));
}
