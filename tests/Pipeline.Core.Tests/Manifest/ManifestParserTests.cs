using Pipeline.Core.Manifest;

namespace Pipeline.Core.Tests.Manifest;

public sealed class ManifestParserTests
{
    private static string Fixture(string name) => File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "Manifests", name));

    [Fact]
    public void Parse_WhenOnlyRequiredFields_ShouldFillEveryDefault()
    {
        var manifest = ManifestParser.Parse(Fixture("good/minimal.yaml"));

        Assert.Equal("hello", manifest.Name);
        Assert.Equal(3000, manifest.Port);
        Assert.Equal(new HealthCheck("/status", 10, 5, 3, 2, 180), manifest.Health);
        Assert.Equal("/version", manifest.VersionPath);
        Assert.Empty(manifest.Routes);
        Assert.Equal(new InstancePolicy(1, 100), manifest.Instances);
        Assert.Equal("${COUNT}", manifest.Label.Text);
        Assert.Equal(new BuildSettings("buildspec.yml", "dist"), manifest.Build);
        Assert.Equal("npm start", manifest.Start);
        Assert.Empty(manifest.Env);
        Assert.Empty(manifest.Tables);
    }

    [Fact]
    public void Parse_WhenEveryFieldGiven_ShouldReadEachOne()
    {
        var manifest = ManifestParser.Parse(Fixture("good/full.yaml"));

        Assert.Equal(new HealthCheck("/healthz", 30, 10, 5, 3, 60), manifest.Health);
        Assert.Equal("/v", manifest.VersionPath);
        Assert.Equal([new Route("billing.example.com", "/api"), new Route(null, "/billing")], manifest.Routes);
        Assert.Equal("billing.example.com/api", manifest.Routes[0].Key);
        Assert.Equal("*/billing", manifest.Routes[1].Key);
        Assert.Equal(3, manifest.Instances.MinHealthy);
        Assert.Equal("2.0.${COUNT}.${git}", manifest.Label.Text);
        Assert.Equal(new BuildSettings("ci/buildspec.yml", "out/billing.tgz"), manifest.Build);
        Assert.Equal("node dist/main.js --port 8443", manifest.Start);
        Assert.Equal("3", manifest.Env["RETRIES"]);
        var invoices = manifest.Tables[0];
        Assert.Equal(new KeyDefinition("accountId", AttributeType.S), invoices.PartitionKey);
        Assert.Equal(new KeyDefinition("issuedAt", AttributeType.N), invoices.SortKey);
        Assert.True(invoices.Capacity.IsOnDemand);
        Assert.Equal(IndexProjection.KeysOnly, invoices.Indexes[0].Projection);
        Assert.Equal(3, invoices.KeyAttributes().Count);
        var ledger = manifest.Tables[1].Capacity.Provisioned!;
        Assert.Equal(new CapacityRange(1, 1), ledger.Read);
        Assert.Equal(new CapacityRange(5, 100), ledger.Write);
        Assert.Equal(70, ledger.TargetUtilization);
    }

    [Fact]
    public void Parse_WhenExampleService_ShouldBeValid()
    {
        var yaml = File.ReadAllText(RepositoryRoot.Combine("examples/services/orders/service.yaml"));

        var manifest = ManifestParser.Parse(yaml);

        Assert.Equal("orders", manifest.Name);
        var table = Assert.Single(manifest.Tables);
        Assert.Equal("by-customer", Assert.Single(table.Indexes).Name);
        Assert.False(table.Capacity.IsOnDemand);
    }

    [Fact]
    public void TryParse_WhenManyProblems_ShouldReportEveryOneWithLineColumnAndPath()
    {
        const string yaml = """
            name: Bad_Name
            port: "80"
            helth: {}
            instances: { count: 0 }
            build: { artifact: dist }
            tables:
              - name: items
                partitionKey: { name: id, type: X }
                capacity: { read: { min: 5, max: 2 }, write: { min: 1, max: 1 } }
            """;

        var result = ManifestParser.TryParse(yaml, "repo/service.yaml");

        Assert.False(result.IsValid);
        Assert.Equal(
            [
                "repo/service.yaml:1:7: name: 'Bad_Name' must be DNS-safe: lower-case letters, digits and '-', starting with a letter, not ending with '-', at most 32 characters",
                "repo/service.yaml:2:7: port: must be an integer, not the string '80'",
                "repo/service.yaml:3:1: helth: unknown field; service.yaml accepts auth, build, compose, env, health, instances, label, name, port, routes, start, tables, versionPath",
                "repo/service.yaml:4:21: instances.count: must be from 1 to 100, not 0",
                "repo/service.yaml:8:37: tables[0].partitionKey.type: must be one of S, N, B, not 'X'",
                "repo/service.yaml:9:38: tables[0].capacity.read.max: must be at least min (5), not 2",
            ],
            result.Errors.Select(e => e.ToString()));
    }

    [Fact]
    public void Parse_WhenInvalid_ShouldThrowManifestInvalidNamingEachProblem()
    {
        var error = Assert.Throws<ManifestInvalidException>(() => ManifestParser.Parse("name: hello\nport: 3000\n"));

        Assert.Equal("Pipeline.ManifestInvalid", error.ErrorType);
        var problem = Assert.Single(error.Errors);
        Assert.Equal("build", problem.Path);
        Assert.Equal("is required", problem.Message);
        Assert.Contains("service.yaml:1:1: build: is required", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void TryParse_WhenYamlIsBroken_ShouldReportSyntaxPosition()
    {
        var result = ManifestParser.TryParse("name: hello\nport: [3000\nbuild: x\n");

        var error = Assert.Single(result.Errors);
        Assert.Equal("(yaml)", error.Path);
        Assert.StartsWith("invalid YAML: ", error.Message, StringComparison.Ordinal);
        Assert.True(error.Line >= 2, $"line {error.Line}");
    }

    [Fact]
    public void TryParse_WhenKeyRepeated_ShouldReportSyntaxError()
    {
        var result = ManifestParser.TryParse("name: a\nname: b\nport: 1\nbuild: { artifact: x }\n");

        var error = Assert.Single(result.Errors);
        Assert.Equal("(yaml)", error.Path);
        Assert.Equal(2, error.Line);
    }

    [Theory]
    [InlineData("port: 3000\nbuild: { artifact: x }", "name", "is required")]
    [InlineData("name: a\nport: 3000\nbuild: { artifact: x }\nhealth: { intervalSeconds: 5, timeoutSeconds: 5 }", "health.timeoutSeconds", "must be less than intervalSeconds (5), or probes would overlap")]
    [InlineData("name: a\nport: 3000\nbuild: { artifact: x }\nhealth: { graceSeconds: 9 }", "health.graceSeconds", "must be from 10 to 1800, not 9")]
    [InlineData("name: a\nport: 3000\nbuild: { artifact: x }\nroutes: [ { pathPrefix: /a }, { pathPrefix: /a } ]", "routes[1]", "repeats routes[0] (*/a)")]
    [InlineData("name: a\nport: 3000\nbuild: { artifact: x }\nhealth:", "health", "is empty; give it a value or remove the line")]
    [InlineData("name: a\nport: 3000\nbuild: { artifact: /abs }", "build.artifact", "'/abs' must be a path inside the repository: relative, '/'-separated letters, digits, '.', '_' and '-', no '..', at most 1024 characters")]
    [InlineData("name: a\nport: 3000\nbuild: { artifact: x }\nenv: { 1X: a }", "env.1X", "'1X': variable names are upper-case letters, digits and '_', not starting with a digit, at most 128 characters")]
    [InlineData("name: a\nport: 3000\nbuild: { artifact: x }\nlabel: 1 ${COUNT}", "label", "'1 ${COUNT}': has '1 ' outside a placeholder; only A-Za-z0-9._- and ${COUNT}, ${git}, ${git[:N]} are allowed")]
    [InlineData("name: a\nport: 3000\nbuild: { artifact: x }\ntables: [ { name: t1, partitionKey: { name: id, type: S }, capacity: onDemand }, { name: t1, partitionKey: { name: id, type: S }, capacity: onDemand } ]", "tables[1].name", "'t1' is already declared by tables[0]")]
    [InlineData("name: a\nport: 3000\nbuild: { artifact: x }\ntables: [ { name: t, partitionKey: { name: id, type: S }, indexes: [ { name: idx, partitionKey: { name: id, type: N } } ], capacity: onDemand } ]", "tables[0].indexes[0].partitionKey.type", "attribute 'id' is N here but S in partitionKey; a key attribute has one type")]
    [InlineData("name: a\nport: 3000\nbuild: { artifact: x }\ntables: [ { name: t, partitionKey: { name: id, type: S }, capacity: { read: { min: 1, max: 2 } } } ]", "tables[0].capacity.write", "is required")]
    public void TryParse_WhenRuleBroken_ShouldNameFieldAndRule(string yaml, string path, string message)
    {
        var result = ManifestParser.TryParse(yaml);

        Assert.Contains(result.Errors, e => e.Path == path && e.Message == message);
    }

    [Fact]
    public void TryParse_WhenNameDiffersFromService_ShouldRejectName()
    {
        var result = ManifestParser.TryParse(Fixture("good/minimal.yaml"), expectedName: "orders");

        var error = Assert.Single(result.Errors);
        Assert.Equal("name", error.Path);
        Assert.Equal("is 'hello' but this pipeline builds service 'orders'", error.Message);
    }

    [Theory]
    [InlineData("")]
    [InlineData("# only a comment\n")]
    public void TryParse_WhenEmpty_ShouldSaySo(string yaml)
    {
        var error = Assert.Single(ManifestParser.TryParse(yaml).Errors);

        Assert.Equal("the file is empty", error.Message);
    }

    [Fact]
    public void TryParse_WhenEveryBadFixture_ShouldReject()
    {
        var directory = Path.Combine(AppContext.BaseDirectory, "Manifests", "bad");

        foreach (var file in Directory.GetFiles(directory, "*.yaml"))
        {
            var result = ManifestParser.TryParse(File.ReadAllText(file), Path.GetFileName(file));
            Assert.False(result.IsValid, $"{file} was accepted");
            Assert.All(result.Errors, e => Assert.True(e.Line >= 1 && e.Column >= 1, e.ToString()));
        }
    }
}
