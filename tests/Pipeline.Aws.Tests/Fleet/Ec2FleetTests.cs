using System.Text;
using Pipeline.Aws.Fleet;
using Pipeline.Core.Errors;
using Pipeline.Core.Fleet;

namespace Pipeline.Aws.Tests.Fleet;

public class Ec2FleetTests
{
    private static InstanceLaunch Launch(string label = "1.4.7-0d1a26e", string start = "node server.js") => new(
        "orders", label, $"artifacts/orders/{label}/artifact.tgz", 3, 8080, start,
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
        var error = Assert.Throws<InvalidOperationException>(() => FleetFromEnvironment.LaunchSettings(_ => null));

        Assert.Contains("PIPELINE_LAUNCH_TEMPLATE_ID", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void UserData_ShouldFetchExactlyTheVersionsArtifactOnEveryStartAndRunItsStartCommand()
    {
        var script = Encoding.UTF8.GetString(Convert.FromBase64String(Ec2Fleet.RunRequests(Launch(), Settings)[0].UserData));
        var files = UserDataScript.Files(script);

        Assert.StartsWith("#!/bin/bash\nset -euo pipefail\n", script, StringComparison.Ordinal);
        Assert.Contains("aws s3 cp 's3://artifacts-bucket/artifacts/orders/1.4.7-0d1a26e/artifact.tgz' - | tar -xz", files["/etc/pipeline/orders/fetch"], StringComparison.Ordinal);
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
    [InlineData("orders", "ORDERS_TABLE")]
    [InlineData("line-items", "LINE_ITEMS_TABLE")]
    public void TableVariable_ShouldNameTheTableInUpperCase(string table, string variable) =>
        Assert.Equal(variable, InstanceEnvironment.TableVariable(table));
}
