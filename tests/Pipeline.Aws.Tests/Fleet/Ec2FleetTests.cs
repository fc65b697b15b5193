namespace Pipeline.Aws.Tests.Fleet;

public class Ec2FleetTests
{
    private const string Digest = "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08";

    private static InstanceLaunch Launch(string label = "1.4.7-0d1a26e", string start = "node server.js", string digest = Digest) => new(
        "orders", label, $"artifacts/orders/{label}/artifact.tgz", digest, 3, 8080, start,
        new Dictionary<string, string> { ["PORT"] = "8080", ["GREETING"] = "say \"hi\" \\ $HOME" }, "arn:aws:states:us-east-1:1:execution:deploy:abc");

    private static readonly Ec2LaunchSettings Settings = new(
        "lt-0123", "artifacts-bucket", "pipeline", "eu-west-1", ["subnet-a", "subnet-b"], "sg-1", "arn:aws:iam::1:instance-profile/p");

    [Fact]
    public void RunRequests_ShouldLaunchFromTheTemplateWithTagsAndAStableClientToken()
    {
        var request = Ec2Fleet.RunRequests(Launch(), Settings)[0];

        Assert.Equal(("lt-0123", 2, 2), (request.LaunchTemplate.LaunchTemplateId, request.MinCount, request.MaxCount));
        var tags = Assert.Single(request.TagSpecifications).Tags.ToDictionary(t => t.Key, t => t.Value);
        Assert.Equal("pipeline", tags[Ec2Fleet.StackTag]);
        Assert.Equal("orders", tags[Ec2Fleet.ServiceTag]);
        Assert.Equal("1.4.7-0d1a26e", tags[Ec2Fleet.VersionTag]);
        Assert.Equal("8080", tags["pipeline:port"]);
        Assert.Equal(64, request.ClientToken.Length);
        Assert.Equal(request.ClientToken, Ec2Fleet.RunRequests(Launch(), Settings)[0].ClientToken);
        Assert.NotEqual(request.ClientToken, Ec2Fleet.RunRequests(Launch("1.4.8-1111111"), Settings)[0].ClientToken);
    }

    [Fact]
    public void ClientToken_OfAReplacement_ShouldDifferFromTheFirstLaunchsWithTheSameCountAndBeStableAcrossRetries()
    {
        // Replacing one of two instances asks for 1 in subnet-a, as the first launch's subnet-a call may have:
        // with the first call's token EC2 would answer its (now dead) instances instead of starting one.
        var first = Launch() with { Count = 1 };
        var replacement = first with { Replacing = ["i-0b", "i-0a"] };

        Assert.NotEqual(Ec2Fleet.ClientToken(first, "subnet-a"), Ec2Fleet.ClientToken(replacement, "subnet-a"));
        Assert.Equal(Ec2Fleet.ClientToken(replacement, "subnet-a"), Ec2Fleet.ClientToken(first with { Replacing = ["i-0a", "i-0b"] }, "subnet-a"));
        Assert.NotEqual(Ec2Fleet.ClientToken(replacement, "subnet-a"), Ec2Fleet.ClientToken(first with { Replacing = ["i-0c"] }, "subnet-a"));
    }

    [Fact]
    public void RunRequests_ShouldSpreadTheInstancesOverTheSubnetsWithTheStacksGroupAndProfile()
    {
        var requests = Ec2Fleet.RunRequests(Launch(), Settings);

        Assert.Equal([("subnet-a", 2), ("subnet-b", 1)], requests.Select(r => (r.SubnetId, r.MinCount)));
        Assert.All(requests, r => Assert.Equal(["sg-1"], r.SecurityGroupIds));
        Assert.All(requests, r => Assert.Equal("arn:aws:iam::1:instance-profile/p", r.IamInstanceProfile.Arn));
        Assert.Equal(2, requests.Select(r => r.ClientToken).Distinct().Count());
        Assert.Equal([(string?)null], new Ec2LaunchSettings("lt-1", "b", "s", "r", []).Placements(3).Select(p => p.SubnetId));
        Assert.Equal([("subnet-a", 1)], Settings.Placements(1).Select(p => (p.SubnetId!, p.Count)));
    }

    [Fact]
    public void UserData_ShouldGiveTheServiceItsRegion()
    {
        var script = Encoding.UTF8.GetString(Convert.FromBase64String(Ec2Fleet.RunRequests(Launch(), Settings)[0].UserData));

        Assert.Contains("AWS_REGION=eu-west-1\0", UserDataScript.Files(script)["/etc/pipeline/orders/env"], StringComparison.Ordinal);
    }

    [Fact]
    public void LaunchSettings_WhenTheTemplateVariablesAreMissing_ShouldNameTheFirst()
    {
        var error = Assert.Throws<Pipeline.Core.Configuration.SettingInvalidException>(() => FleetFromEnvironment.LaunchSettings(_ => null));

        Assert.Equal("PIPELINE_LAUNCH_TEMPLATE_ID", error.Name);
        Assert.Contains("PIPELINE_LAUNCH_TEMPLATE_ID", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void UserData_ShouldFetchExactlyTheVersionsArtifactOnEveryStartAndRunItsStartCommand()
    {
        var script = Encoding.UTF8.GetString(Convert.FromBase64String(Ec2Fleet.RunRequests(Launch(), Settings)[0].UserData));
        var files = UserDataScript.Files(script);

        Assert.StartsWith("#!/bin/bash\nset -euo pipefail\n", script, StringComparison.Ordinal);
        Assert.Contains("aws s3 cp 's3://artifacts-bucket/artifacts/orders/1.4.7-0d1a26e/artifact.tgz' /opt/pipeline/orders/artifact.tgz\n", files["/etc/pipeline/orders/fetch"], StringComparison.Ordinal);
        Assert.Contains($"echo '{Digest}  /opt/pipeline/orders/artifact.tgz' | sha256sum --check", files["/etc/pipeline/orders/fetch"], StringComparison.Ordinal);
        Assert.Equal("#!/bin/sh\nexec node server.js\n", files["/etc/pipeline/orders/command"]);
        Assert.Equal("AWS_REGION=eu-west-1\0GREETING=say \"hi\" \\ $HOME\0PORT=8080\0", files["/etc/pipeline/orders/env"]);
        Assert.Contains("systemctl enable --now pipeline-orders.service\n", script, StringComparison.Ordinal);
    }

    [Fact]
    public void UserData_ShouldRunNothingAsRootWithTheServicesEnvironment()
    {
        var unit = UserDataScript.Files(InstanceUserData.Render(Launch(), "bucket"))["/etc/systemd/system/pipeline-orders.service"];

        Assert.Contains("User=pipeline\n", unit, StringComparison.Ordinal);
        Assert.Contains("ExecStartPre=/etc/pipeline/orders/fetch\n", unit, StringComparison.Ordinal);
        Assert.Contains("ExecStart=/etc/pipeline/orders/start\n", unit, StringComparison.Ordinal);
        Assert.DoesNotContain("EnvironmentFile", unit, StringComparison.Ordinal);
        Assert.DoesNotContain("=+", unit, StringComparison.Ordinal);
        Assert.DoesNotContain("PermissionsStartOnly", unit, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("1.4.7;rm -rf /")]
    [InlineData("1.4.7 x")]
    [InlineData("$(id)")]
    public void UserData_WhenALabelCouldEscapeTheScript_ShouldRefuseIt(string label)
    {
        var error = Assert.Throws<LaunchFailedException>(() => InstanceUserData.Render(Launch(label), "bucket"));

        Assert.Contains("only letters, digits", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("")]
    [InlineData("9F86D081884C7D659A2FEAA0C55AD015A3BF4F1B2B0B822CD15D6C15B0F00A08")]
    [InlineData("9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a0\n")]
    [InlineData("9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08' ; id #")]
    public void UserData_WhenTheDigestIsNotSha256Hex_ShouldRefuseIt(string digest)
    {
        var error = Assert.Throws<LaunchFailedException>(() => InstanceUserData.Render(Launch(digest: digest), "bucket"));

        Assert.StartsWith("artifactSha256", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task FetchScript_ShouldSwitchToTheArtifactOnlyWhenItsDigestIsTheRecordedOne(bool intact)
    {
        var run = await RunFetchScriptAsync(tamper: !intact, withLink: false);

        Assert.Equal(intact ? 0 : 1, run.Exit);
        Assert.Equal(intact ? "// v2\n" : "// v1\n", run.ServedApp);
        if (!intact)
        {
            Assert.Contains($"artifact digest is not the recorded {run.Digest}: not starting", run.Output, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task FetchScript_WhenTheArtifactHoldsALink_ShouldRefuseItAndKeepTheRunningApp()
    {
        var run = await RunFetchScriptAsync(tamper: false, withLink: true);

        Assert.Equal(1, run.Exit);
        Assert.Contains("the artifact holds symbolic or hard links: not starting", run.Output, StringComparison.Ordinal);
        Assert.Equal("// v1\n", run.ServedApp);
    }

    [Fact]
    public void UserData_ShouldCarrySecretsParameterNamesButNeverAValue()
    {
        var launch = Launch() with { Secrets = new Dictionary<string, string> { ["DB_PASSWORD"] = "/prod/orders/db-password" } };

        var files = UserDataScript.Files(InstanceUserData.Render(launch, "bucket"));

        Assert.Equal("DB_PASSWORD=/prod/orders/db-password\0", files["/etc/pipeline/orders/secrets"]);
        Assert.DoesNotContain("DB_PASSWORD", files["/etc/pipeline/orders/env"], StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("prod/orders/x")]
    [InlineData("/prod/orders/x y")]
    [InlineData("/prod/orders/$(id)")]
    public void UserData_WhenASecretsParameterNameIsNotOne_ShouldRefuseIt(string parameter) =>
        Assert.Throws<LaunchFailedException>(() => InstanceUserData.Render(
            Launch() with { Secrets = new Dictionary<string, string> { ["DB_PASSWORD"] = parameter } }, "bucket"));

    [Fact]
    public async Task StartScript_ShouldHandEachSecretToTheServiceThroughItsEnvironmentOnly()
    {
        const string value = "pa ss\tword $(id) \"q\" é";
        var run = await RunStartScriptAsync(new Dictionary<string, string> { ["/prod/orders/db-password"] = value });

        Assert.Equal(0, run.Exit);
        // PWD is set by the sh that runs the start command, after the start script hands over.
        var environment = run.Output.Split('\0', StringSplitOptions.RemoveEmptyEntries)
            .Where(v => !v.StartsWith("PWD=", StringComparison.Ordinal)).Order(StringComparer.Ordinal).ToList();
        Assert.Equal(
            ["AWS_REGION=eu-west-1", $"DB_PASSWORD={value}", "GREETING=say \"hi\" \\ $HOME", "HOME=/opt/pipeline", "LANG=C.UTF-8",
                $"PATH={InstanceUserData.ServicePath}", "PORT=8080"],
            environment);
        Assert.Equal("ssm get-parameter --region eu-west-1 --with-decryption --name /prod/orders/db-password --query Parameter.Value --output text\n", run.AwsCalls);
    }

    [Fact]
    public async Task StartScript_WhenASecretCannotBeRead_ShouldNotStartAndNameTheParameter()
    {
        var run = await RunStartScriptAsync(new Dictionary<string, string>());

        Assert.NotEqual(0, run.Exit);
        Assert.Contains("env.DB_PASSWORD: cannot read SSM parameter /prod/orders/db-password with the instance role: not starting", run.Output, StringComparison.Ordinal);
        Assert.DoesNotContain("AWS_REGION=", run.Output, StringComparison.Ordinal);
    }

    private sealed record StartRun(int Exit, string Output, string AwsCalls);

    /// <summary>
    /// The start script of the user data, run with bash against a stand-in `aws` that answers
    /// <c>ssm get-parameter</c> for the given parameters (ParameterNotFound for the rest), with a start
    /// command that prints the environment the service gets, NUL-separated; paths moved into a temporary folder.
    /// </summary>
    private static async Task<StartRun> RunStartScriptAsync(Dictionary<string, string> parameters)
    {
        var root = Directory.CreateTempSubdirectory("start-").FullName;
        try
        {
            var bin = Path.Combine(root, "bin");
            Directory.CreateDirectory(bin);
            var calls = Path.Combine(root, "aws-calls");
            var aws = new StringBuilder("#!/bin/bash\n")
                .Append($"echo \"$*\" >> '{calls}'\n")
                .Append("name=$7\n")
                .Append("case \"$name\" in\n");
            foreach (var (name, value) in parameters)
            {
                var file = Path.Combine(root, "value-" + parameters.Keys.ToList().IndexOf(name));
                await File.WriteAllTextAsync(file, value + "\n");
                aws.Append($"  '{name}') cat '{file}' ;;\n");
            }

            aws.Append("  *) echo 'An error occurred (ParameterNotFound) when calling the GetParameter operation' >&2; exit 254 ;;\nesac\n");
            await File.WriteAllTextAsync(Path.Combine(bin, "aws"), aws.ToString());
            await RunAsync("chmod", ["0755", Path.Combine(bin, "aws")]);
            Directory.CreateDirectory(Path.Combine(root, "opt", "app"));

            var launch = Launch(start: "/usr/bin/env -0") with
            {
                Environment = new Dictionary<string, string> { ["PORT"] = "8080", ["GREETING"] = "say \"hi\" \\ $HOME", ["AWS_REGION"] = "eu-west-1" },
                Secrets = new Dictionary<string, string> { ["DB_PASSWORD"] = "/prod/orders/db-password" },
            };
            var etc = Path.Combine(root, "etc");
            Directory.CreateDirectory(etc);
            var files = UserDataScript.Files(InstanceUserData.Render(launch, "bucket"));
            foreach (var name in new[] { "env", "secrets", "command", "start" })
            {
                await File.WriteAllTextAsync(Path.Combine(etc, name), files[$"/etc/pipeline/orders/{name}"]
                    .Replace("/etc/pipeline/orders", etc, StringComparison.Ordinal)
                    .Replace("/opt/pipeline/orders", Path.Combine(root, "opt"), StringComparison.Ordinal));
            }

            await RunAsync("chmod", ["0755", Path.Combine(etc, "command"), Path.Combine(etc, "start")]);
            var (exit, output) = await RunAsync("bash", [Path.Combine(etc, "start")],
                ("PATH", bin + ":" + Environment.GetEnvironmentVariable("PATH")), ("INHERITED_BY_THE_UNIT", "x"));
            return new StartRun(exit, output, File.Exists(calls) ? await File.ReadAllTextAsync(calls) : string.Empty);
        }
        finally
        {
            Directory.Delete(root, recursive: true);
        }
    }

    private sealed record FetchRun(int Exit, string Output, string Digest, string ServedApp);

    /// <summary>
    /// The fetch script of the user data, run with bash against a stand-in `aws` that serves a local
    /// tarball of server.js v2 (with a symbolic link beside it when asked, appended bytes when
    /// tampered) over an app folder serving v1; paths moved into a temporary folder.
    /// </summary>
    private static async Task<FetchRun> RunFetchScriptAsync(bool tamper, bool withLink)
    {
        var root = Directory.CreateTempSubdirectory("fetch-").FullName;
        try
        {
            var source = Path.Combine(root, "src");
            Directory.CreateDirectory(source);
            await File.WriteAllTextAsync(Path.Combine(source, "server.js"), "// v2\n");
            string[] entries = ["server.js"];
            if (withLink)
            {
                File.CreateSymbolicLink(Path.Combine(source, "escape"), "/etc");
                entries = [.. entries, "escape"];
            }

            var tarball = Path.Combine(root, "artifact.tgz");
            await RunAsync("tar", ["-czf", tarball, "-C", source, .. entries]);
            var digest = Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(await File.ReadAllBytesAsync(tarball)));
            if (tamper)
            {
                await File.AppendAllTextAsync(tarball, "tampered");
            }

            var bin = Path.Combine(root, "bin");
            Directory.CreateDirectory(bin);
            await File.WriteAllTextAsync(Path.Combine(bin, "aws"), $"#!/bin/bash\ncp '{tarball}' \"$4\"\n");
            await RunAsync("chmod", ["0755", Path.Combine(bin, "aws")]);
            var app = Path.Combine(root, "opt", "app");
            Directory.CreateDirectory(app);
            await File.WriteAllTextAsync(Path.Combine(app, "server.js"), "// v1\n");

            var fetch = UserDataScript.Files(InstanceUserData.Render(Launch(digest: digest), "artifacts-bucket"))["/etc/pipeline/orders/fetch"]
                .Replace("/opt/pipeline/orders", Path.Combine(root, "opt"), StringComparison.Ordinal);
            Assert.Contains("aws s3 cp", fetch, StringComparison.Ordinal);
            var script = Path.Combine(root, "fetch");
            await File.WriteAllTextAsync(script, fetch);

            var (exit, output) = await RunAsync("bash", [script], ("PATH", bin + ":" + Environment.GetEnvironmentVariable("PATH")));
            return new FetchRun(exit, output, digest, await File.ReadAllTextAsync(Path.Combine(app, "server.js")));
        }
        finally
        {
            Directory.Delete(root, recursive: true);
        }
    }

    private static async Task<(int Exit, string Output)> RunAsync(string file, string[] arguments, params (string Name, string Value)[] environment)
    {
        var start = new System.Diagnostics.ProcessStartInfo(file) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        foreach (var (name, value) in environment)
        {
            start.Environment[name] = value;
        }

        using var process = System.Diagnostics.Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        return (process.ExitCode, await stdout + await stderr);
    }

    [Theory]
    [InlineData("orders", "ORDERS_TABLE")]
    [InlineData("line-items", "LINE_ITEMS_TABLE")]
    public void TableVariable_ShouldNameTheTableInUpperCase(string table, string variable) =>
        Assert.Equal(variable, InstanceEnvironment.TableVariable(table));
}
