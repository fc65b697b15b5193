namespace Pipeline.Local.Tests;

/// <summary>Runs the real CLI (pipeline.dll, built beside the tests) as a process.</summary>
public sealed class ValidateCommandTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("pipeline-validate-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    private static Task<CommandResult> PipelineAsync(params string[] args) => CliProcess.RunAsync(args);

    /// <summary>Writes <paramref name="yaml"/> to service.yaml in the test's folder and validates the file, or its folder.</summary>
    private async Task<(string File, int Exit, string[] Problems)> ValidateManifestAsync(string yaml, bool byFolder)
    {
        var file = Path.Combine(_folder, "service.yaml");
        await File.WriteAllTextAsync(file, yaml);
        var (exit, output, _) = await PipelineAsync("validate", byFolder ? _folder : file);
        return (file, exit, output.TrimEnd().Split('\n'));
    }

    [Fact]
    public async Task Validate_WhenExampleServiceFolder_ShouldPrintOkAndExitZero()
    {
        var (exit, output, _) = await PipelineAsync("validate", RepositoryRoot.Combine("examples/services/orders"));

        Assert.Equal(0, exit);
        Assert.Equal("ok", output.Trim());
    }

    /// <summary>A manifest (validated as a file or by its folder) and the problems printed for it, each after "FILE:".</summary>
    public static TheoryData<string, bool, string[]> ManifestsWithProblems() => new()
    {
        {
            "name: orders\nport: high\nbuild: { artifact: dist }\ntables:\n  - name: t\n    partitionKey: { name: id, type: Q }\n    capacity: onDemand\nlabels: x\n",
            false,
            [
                "2:7: port: must be an integer, not the string 'high'",
                "6:37: tables[0].partitionKey.type: must be one of S, N, B, not 'Q'",
                "8:1: labels: unknown field; service.yaml accepts auth, build, compose, env, health, instances, label, name, port, routes, start, tables, versionPath",
            ]
        },
        {
            // An env name hiding a newline still makes one line.
            "name: shop\nport: 8080\nbuild: { artifact: dist }\nenv: { \"PIPELINE_ENV\\n\": x, PATH: /app/bin }\n",
            true,
            [
                "4:8: env.PIPELINE_ENV\\n: 'PIPELINE_ENV\\n': variable names are upper-case letters, digits and '_', not starting with a digit, at most 128 characters",
                "4:29: env.PATH: is reserved: PATH decides which program runs for every command name",
            ]
        },
    };

    [Theory]
    [MemberData(nameof(ManifestsWithProblems))]
    public async Task Validate_WhenFileHasProblems_ShouldPrintEachOnOneLineWithPositionAndExitOne(string yaml, bool byFolder, string[] expected)
    {
        var (file, exit, problems) = await ValidateManifestAsync(yaml, byFolder);

        Assert.Equal(1, exit);
        Assert.Equal(expected.Select(p => $"{file}:{p}"), problems);
    }

    [Fact]
    public async Task Validate_WhenFolderHasNoManifest_ShouldSayWhereAndExitOne()
    {
        var (exit, _, error) = await PipelineAsync("validate", _folder);

        Assert.Equal(1, exit);
        Assert.Equal($"{_folder}: no service.yaml in this folder", error.Trim());
    }

    [Fact]
    public async Task Validate_WhenTwoManifestsClaimOneRouteWithAndWithoutSlash_ShouldRefuseTheSecondAndChangeNothing()
    {
        var shop = Path.Combine(_folder, "shop.yaml");
        const string yaml = "name: shop\nport: 8080\nbuild: { artifact: dist }\nroutes:\n  - pathPrefix: /orders/\n";
        await File.WriteAllTextAsync(shop, yaml);
        var orders = RepositoryRoot.Combine("examples/services/orders");

        var (exit, output, _) = await PipelineAsync("validate", orders, shop);

        Assert.Equal(1, exit);
        Assert.Equal(
            $"{shop}:5:5: routes[0]: route */orders is also claimed by service 'orders' ({orders}/service.yaml:15:5); a route belongs to one service",
            output.Trim());
        Assert.Equal(yaml, await File.ReadAllTextAsync(shop));
        Assert.Single(Directory.GetFiles(_folder));
    }

    [Fact]
    public async Task RoutesRender_WhenExampleServices_ShouldPrintAConfigHaproxyAccepts()
    {
        var (exit, output, error) = await PipelineAsync("routes", "render",
            RepositoryRoot.Combine("examples/services/orders"), RepositoryRoot.Combine("examples/services/catalog/service.yaml"), "--port", "8088");

        Assert.True(exit == 0, error);
        Assert.Contains("    bind \"${PIPELINE_ROUTER_BIND-*}:${PIPELINE_ROUTER_PORT-8088}\"\n", output, StringComparison.Ordinal);
        Assert.Contains("use_backend svc_orders if r1_host\n", output, StringComparison.Ordinal);
        Assert.Contains("server catalog-2 127.0.0.1:20003 check\n", output, StringComparison.Ordinal);
        var config = Path.Combine(_folder, "haproxy.cfg");
        await File.WriteAllTextAsync(config, output);
        var check = await CommandRunner.RunAsync("haproxy", ["-c", "-f", config]);
        Assert.True(check.ExitCode == 0, check.StandardError + check.StandardOutput);
    }

    [Fact]
    public async Task RoutesRender_WhenAManifestIsInvalid_ShouldPrintItsProblemsAndNoConfig()
    {
        var file = Path.Combine(_folder, "service.yaml");
        await File.WriteAllTextAsync(file, "name: shop\nport: 8080\nbuild: { artifact: dist }\nroutes:\n  - host: \"orders.example.com\\n\"\n");

        var (exit, output, error) = await PipelineAsync("routes", "render", file);

        Assert.Equal(1, exit);
        Assert.Empty(output);
        Assert.StartsWith($"{file}:5:11: routes[0].host: 'orders.example.com\\n' must be a host name", error, StringComparison.Ordinal);
    }
}
