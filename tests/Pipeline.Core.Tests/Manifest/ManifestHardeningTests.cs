using Pipeline.Core.Manifest;
using Pipeline.Core.Routing;

namespace Pipeline.Core.Tests.Manifest;

/// <summary>The manifest attacks of issue 13, each refused by the parser with the field and the reason.</summary>
public sealed class ManifestHardeningTests
{
    private const string Base = "name: svc\nport: 8080\nbuild: { artifact: dist }\n";

    private static ManifestError Refused(string yaml, string path)
    {
        var result = ManifestParser.TryParse(yaml);
        Assert.False(result.IsValid, "accepted");
        return Assert.Single(result.Errors, e => e.Path == path);
    }

    [Fact]
    public void TryParse_WhenEnvNameEndsInNewline_ShouldRefuseItAndShowTheNewlineEscaped()
    {
        var error = Refused(Base + "env: { \"PIPELINE_ENV\\n\": x }\n", "env.PIPELINE_ENV\\n");

        Assert.Equal($"'PIPELINE_ENV\\n': {ManifestGrammar.EnvNameRule}", error.Message);
        Assert.DoesNotContain('\n', error.ToString());
    }

    [Fact]
    public void TryParse_WhenAnUnknownFieldNameHoldsANewline_ShouldReportItOnOneLine()
    {
        var error = Refused(Base + "\"x\\ny\": 1\n", "x\\ny");

        Assert.StartsWith("unknown field;", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain('\n', error.ToString());
    }

    [Theory]
    [InlineData("PATH", "decides which program runs for every command name")]
    [InlineData("LD_PRELOAD", "dynamic loader")]
    [InlineData("LD_LIBRARY_PATH", "dynamic loader")]
    [InlineData("BASH_ENV", "a file that bash runs at start-up")]
    [InlineData("ENV", "a file that sh runs at start-up")]
    [InlineData("NODE_OPTIONS", "--require")]
    [InlineData("NODE_PATH", "resolves modules")]
    [InlineData("NODE_EXTRA_CA_CERTS", "certificate authorities")]
    [InlineData("HOME", "start-up and configuration files")]
    [InlineData("SHELL", "which shell")]
    [InlineData("IFS", "split")]
    [InlineData("PORT", "from the port field")]
    [InlineData("AWS_ENDPOINT_URL_S3", "AWS SDK")]
    [InlineData("AWS_REGION", "AWS SDK")]
    [InlineData("PIPELINE_VERSION", "set by the pipeline")]
    public void TryParse_WhenEnvNameChangesHowProcessesBehave_ShouldRefuseItWithTheReason(string name, string reason)
    {
        var error = Refused(Base + $"env: {{ {name}: x }}\n", $"env.{name}");

        Assert.StartsWith("is reserved: ", error.Message, StringComparison.Ordinal);
        Assert.Contains(reason, error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("log_level")]
    [InlineData("1X")]
    [InlineData("A-B")]
    [InlineData("A B")]
    public void TryParse_WhenEnvNameIsNotUpperCasePosix_ShouldRefuseIt(string name) =>
        Assert.Equal($"'{name}': {ManifestGrammar.EnvNameRule}", Refused(Base + $"env: {{ \"{name}\": x }}\n", $"env.{name}").Message);

    [Theory]
    [InlineData("DB_PASSWORD", "PASSWORD")]
    [InlineData("CLIENT_SECRET", "SECRET")]
    [InlineData("GITHUB_TOKEN", "TOKEN")]
    [InlineData("API_KEY", "KEY")]
    public void TryParse_WhenSecretLookingNameHasALiteralValue_ShouldRefuseItWithAHint(string name, string word)
    {
        var error = Refused(Base + $"env: {{ {name}: hunter2 }}\n", $"env.{name}");

        Assert.StartsWith($"looks like a secret (the name contains {word})", error.Message, StringComparison.Ordinal);
        Assert.Contains("write { ssm: NAME } instead", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void TryParse_WhenAValueIsASecretReference_ShouldKeepOnlyItsNameUnderTheServicesPath()
    {
        var manifest = ManifestParser.Parse(Base + "env: { DB_PASSWORD: { ssm: db/password }, LOG_LEVEL: info, API_KEY: { ssm: api-key.v2 } }\n");

        Assert.Equal(new Dictionary<string, string> { ["LOG_LEVEL"] = "info" }, manifest.Env);
        Assert.Equal(["API_KEY", "DB_PASSWORD"], manifest.Secrets.Keys.Order(StringComparer.Ordinal));
        Assert.Equal(
            new Dictionary<string, string> { ["API_KEY"] = "/prod/svc/api-key.v2", ["DB_PASSWORD"] = "/prod/svc/db/password" },
            Pipeline.Core.Fleet.InstanceEnvironment.Secrets(manifest, "prod"));
        Assert.DoesNotContain("DB_PASSWORD", Pipeline.Core.Fleet.InstanceEnvironment.For(manifest, "1.0.1", "prod").Keys);
    }

    [Theory]
    [InlineData("{ ssm: /other/service/password }", "env.DB_PASSWORD.ssm", ManifestGrammar.SecretNameRule)]
    [InlineData("{ ssm: ../billing/password }", "env.DB_PASSWORD.ssm", ManifestGrammar.SecretNameRule)]
    [InlineData("{ ssm: \"a b\" }", "env.DB_PASSWORD.ssm", ManifestGrammar.SecretNameRule)]
    [InlineData("{ ssm: 12 }", "env.DB_PASSWORD.ssm", "must be a string")]
    [InlineData("{ ssm: }", "env.DB_PASSWORD.ssm", "is empty")]
    [InlineData("{ vault: x }", "env.DB_PASSWORD.ssm", "is required")]
    [InlineData("{ ssm: x, version: 2 }", "env.DB_PASSWORD.version", "unknown field; env.DB_PASSWORD accepts ssm")]
    public void TryParse_WhenASecretReferenceIsMalformed_ShouldRefuseItNamingTheField(string value, string path, string reason)
    {
        var error = Refused(Base + $"env: {{ DB_PASSWORD: {value} }}\n", path);

        Assert.Contains(reason, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void TryParse_WhenASecretReferenceHasAReservedName_ShouldRefuseTheName() =>
        Assert.StartsWith("is reserved: NODE_OPTIONS", Refused(Base + "env: { NODE_OPTIONS: { ssm: x } }\n", "env.NODE_OPTIONS").Message, StringComparison.Ordinal);

    [Fact]
    public void TryParse_WhenEnvNameIsATablesVariable_ShouldRefuseIt()
    {
        var error = Refused(Base + "env: { LINE_ITEMS_TABLE: x }\ntables: [ { name: line-items, partitionKey: { name: id, type: S }, capacity: onDemand } ]\n",
            "env.LINE_ITEMS_TABLE");

        Assert.Equal("is reserved: LINE_ITEMS_TABLE is set by the pipeline to the physical name of table 'line-items'", error.Message);
    }

    [Fact]
    public void TryParse_WhenEnvValueHoldsNul_ShouldRefuseIt() =>
        Assert.Equal(ManifestGrammar.EnvValueRule, Refused(Base + "env: { A: \"x\\0y\" }\n", "env.A").Message);

    [Fact]
    public void TryParse_WhenEnvValueHoldsShellAndNewlines_ShouldKeepItAsData()
    {
        var manifest = ManifestParser.Parse(Base + "env: { GREETING: \"a\\nPIPELINE_ENV\\n$(id) `id` \\\"q\\\" \\\\ #\" }\n");

        Assert.Equal("a\nPIPELINE_ENV\n$(id) `id` \"q\" \\ #", manifest.Env["GREETING"]);
    }

    [Fact]
    public void TryParse_WhenPathPrefixIsABlockScalarWithTrailingNewline_ShouldRefuseIt() =>
        Refused(Base + "routes:\n  - pathPrefix: |\n      /orders\n", "routes[0].pathPrefix");

    [Theory]
    [InlineData("routes: [ { host: \"orders.example.com\\n\" } ]", "routes[0].host")]
    [InlineData("routes: [ { pathPrefix: \"/orders\\n\" } ]", "routes[0].pathPrefix")]
    [InlineData("routes: [ { pathPrefix: \"/a\\\"b\" } ]", "routes[0].pathPrefix")]
    [InlineData("routes: [ { pathPrefix: \"/a\\\\b\" } ]", "routes[0].pathPrefix")]
    [InlineData("routes: [ { pathPrefix: \"/a{b}\" } ]", "routes[0].pathPrefix")]
    [InlineData("routes: [ { pathPrefix: \"/a//b\" } ]", "routes[0].pathPrefix")]
    [InlineData("routes: [ { pathPrefix: \"//\" } ]", "routes[0].pathPrefix")]
    [InlineData("routes: [ { pathPrefix: \"/a b\" } ]", "routes[0].pathPrefix")]
    [InlineData("routes: [ { pathPrefix: \"/a#b\" } ]", "routes[0].pathPrefix")]
    [InlineData("routes: [ { host: \"a.example.com:8080\" } ]", "routes[0].host")]
    [InlineData("routes: [ { host: \"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa.example.com\" } ]", "routes[0].host")]
    [InlineData("health: { path: \"/status\\n\" }", "health.path")]
    [InlineData("health: { path: \"/st\\\"atus\" }", "health.path")]
    [InlineData("versionPath: \"/version\\n\"", "versionPath")]
    [InlineData("label: \"${COUNT}-a\\n\"", "label")]
    [InlineData("label: \"${COUNT}-${git[:7]\\n}\"", "label")]
    [InlineData("start: \"node server.js\\n\"", "start")]
    [InlineData("start: \"node\\rserver.js\"", "start")]
    [InlineData("tables: [ { name: \"orders\\n\", partitionKey: { name: id, type: S }, capacity: onDemand } ]", "tables[0].name")]
    [InlineData("tables: [ { name: t, partitionKey: { name: \"id\\n\", type: S }, capacity: onDemand } ]", "tables[0].partitionKey.name")]
    [InlineData("tables: [ { name: t, partitionKey: { name: id, type: S }, indexes: [ { name: \"by-x\\n\", partitionKey: { name: x, type: S } } ], capacity: onDemand } ]", "tables[0].indexes[0].name")]
    public void TryParse_WhenAValueEndsInOrHoldsWhatHaproxyOrAScriptWouldReadAsSyntax_ShouldRefuseIt(string field, string path) =>
        Refused(Base + field + "\n", path);

    [Theory]
    [InlineData("name: svc\nport: 8080\nbuild: { artifact: \"dist\\n\" }\n", "build.artifact")]
    [InlineData("name: svc\nport: 8080\nbuild: { artifact: \"../x\" }\n", "build.artifact")]
    [InlineData("name: svc\nport: 8080\nbuild: { artifact: \"a/../../x\" }\n", "build.artifact")]
    [InlineData("name: svc\nport: 8080\nbuild: { artifact: \"a'b\" }\n", "build.artifact")]
    [InlineData("name: \"svc\\n\"\nport: 8080\nbuild: { artifact: dist }\n", "name")]
    public void TryParse_WhenNameOrArtifactIsUnsafe_ShouldRefuseIt(string yaml, string path) => Refused(yaml, path);

    [Fact]
    public void TryParse_WhenLabelsCouldExceed128Characters_ShouldRefuseTheTemplate()
    {
        var template = new string('a', 70) + "-${COUNT}-${git}";

        var error = Refused(Base + $"label: \"{template}\"\n", "label");

        Assert.Contains("renders labels of up to 131 characters", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Route_WhenPrefixHasATrailingSlash_ShouldHaveTheSameKeyAsWithout()
    {
        var manifest = ManifestParser.Parse(Base + "routes: [ { pathPrefix: /orders/ }, { host: a.example.com, pathPrefix: / } ]\n");

        Assert.Equal("*/orders", manifest.Routes[0].Key);
        Assert.Equal("a.example.com/", manifest.Routes[1].Key);
        Assert.Equal("*/orders", RouteKeys.Normalize("*/orders/"));
        Assert.Equal("/orders", RouteKeys.PathPrefix("/orders//"));
    }

    [Fact]
    public void TryParse_WhenOneManifestSpellsARouteTwice_ShouldRefuseTheRepeat() =>
        Assert.Equal("repeats routes[0] (*/orders)", Refused(Base + "routes: [ { pathPrefix: /orders }, { pathPrefix: /orders/ } ]\n", "routes[1]").Message);

    [Fact]
    public void Check_WhenTwoManifestsClaimOrdersWithAndWithoutSlash_ShouldRefuseTheSecond()
    {
        var a = Source("a.yaml", "name: a\nport: 1\nbuild: { artifact: x }\nroutes: [ { pathPrefix: /orders } ]\n");
        var b = Source("b.yaml", "name: b\nport: 1\nbuild: { artifact: x }\nroutes:\n  - pathPrefix: /orders/\n");

        var error = Assert.Single(ManifestSet.Check([a, b], RouterSettings.Default));

        Assert.Equal("b.yaml:5:5: routes[0]: route */orders is also claimed by service 'a' (a.yaml:4:11); a route belongs to one service", error.ToString());
    }

    [Fact]
    public void Check_WhenTwoManifestsNameOneService_ShouldRefuseTheSecond()
    {
        var a = Source("a.yaml", "name: a\nport: 1\nbuild: { artifact: x }\n");
        var b = Source("b.yaml", "port: 1\nname: a\nbuild: { artifact: x }\n");

        Assert.Equal("b.yaml:2:1: name: service 'a' is also declared by a.yaml", Assert.Single(ManifestSet.Check([a, b], RouterSettings.Default)).ToString());
    }

    [Fact]
    public void Check_WhenManifestsAgree_ShouldRenderThemWithTheRealRenderer()
    {
        var a = Source("a.yaml", "name: a\nport: 1\nbuild: { artifact: x }\nroutes: [ { pathPrefix: /orders } ]\ninstances: { count: 2 }\n");
        var b = Source("b.yaml", "name: b\nport: 1\nbuild: { artifact: x }\nroutes: [ { pathPrefix: /orders/items }, { host: b.example.com } ]\n");

        Assert.Empty(ManifestSet.Check([a, b], RouterSettings.Default));
        var config = HaproxyConfigRenderer.Render(ManifestRouting.Preview([a.Manifest, b.Manifest]), RouterSettings.Default).Text;
        Assert.Contains("server a-2 127.0.0.1:20001 check", config, StringComparison.Ordinal);
        Assert.Contains("acl r1_host hdr(host),field(1,:) -i b.example.com", config, StringComparison.Ordinal);
    }

    internal static ManifestSource Source(string file, string yaml)
    {
        var result = ManifestParser.TryParse(yaml, file);
        Assert.True(result.IsValid, string.Join("\n", result.Errors));
        return new ManifestSource(file, result.Manifest!, result.Positions);
    }
}
