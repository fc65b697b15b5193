using Pipeline.Core.Manifest;

namespace Pipeline.Core.Tests.Naming;

public sealed class ServiceNameTests
{
    public static TheoryData<string> Names() =>
    [
        "a", "orders", "order-history", "a1", "x" + new string('y', 31),
        "", "Orders", "order_s", "orders.v2", "x" + new string('y', 32), new string('o', 100), "1orders", "-orders", "orders-",
        "orders\n", "orders\r", "\norders", "ord ers", "ord\u0085ers", "ord\u2028ers", "ordérs", "ord\"ers", "ord#ers", "ord$ers", "ord`ers", "ord\\ers",
    ];

    [Theory]
    [InlineData("orders")]
    [InlineData("order-history")]
    [InlineData("a")]
    [InlineData("abcdefghijklmnopqrstuvwxyz012345")]
    public void Problem_WhenNameIsDnsSafeAndShort_ShouldBeNull(string name) => Assert.Null(ServiceName.Problem(name));

    [Theory]
    [InlineData("", "is empty")]
    [InlineData("Orders", "has upper-case 'O'; use lower case")]
    [InlineData("order_s", "has '_'")]
    [InlineData("orders.v2", "has '.'")]
    [InlineData("abcdefghijklmnopqrstuvwxyz0123456", "is 33 characters long; at most 32")]
    [InlineData("1orders", "must start with a letter")]
    [InlineData("orders-", "must not end with '-'")]
    [InlineData("orders\n", "has U+000A")]
    [InlineData("ord\u2028ers", "has U+2028")]
    [InlineData("ordérs", "has 'é'")]
    public void Problem_WhenNameBreaksTheGrammar_ShouldSayWhy(string name, string problem) =>
        Assert.Equal(problem, ServiceName.Problem(name));

    [Theory]
    [MemberData(nameof(Names))]
    public void ManifestParser_ForAnyName_ShouldAcceptExactlyWhatTheSharedRuleAccepts(string name)
    {
        // The name is written as a JSON string, which YAML reads verbatim, escapes and all.
        var yaml = $"name: {JsonSerializer.Serialize(name)}\nport: 3000\nbuild: {{ artifact: dist }}\n";

        var result = ManifestParser.TryParse(yaml);

        Assert.Equal(ServiceName.IsValid(name), !result.Errors.Any(e => e.Path == "name"));
    }
}
