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
    [MemberData(nameof(Names))]
    public void ManifestParser_ForAnyName_ShouldAcceptExactlyWhatTheSharedRuleAccepts(string name)
    {
        // The name is written as a JSON string, which YAML reads verbatim, escapes and all.
        var yaml = $"name: {JsonSerializer.Serialize(name)}\nport: 3000\nbuild: {{ artifact: dist }}\n";

        var result = ManifestParser.TryParse(yaml);

        Assert.Equal(ServiceName.IsValid(name), !result.Errors.Any(e => e.Path == "name"));
    }
}
