using System.Net.Sockets;
using Amazon.EC2;
using Amazon.Runtime;
using Pipeline.Local.Aws.Processes;

namespace Pipeline.Aws.Tests.Fleet;

/// <summary>
/// What DescribeInstances asks EC2, read off the wire: the real SDK client against a listener that
/// records the request and answers an empty reservation set.
/// </summary>
public sealed class Ec2InstancesTests
{
    [Fact]
    public async Task FindAsync_ShouldAskOnlyForThisStacksInstancesOfTheVersion()
    {
        var port = FreePort.Next();
        using var listener = new HttpListener();
        listener.Prefixes.Add($"http://127.0.0.1:{port}/");
        listener.Start();
        var body = Task.Run(async () =>
        {
            var context = await listener.GetContextAsync();
            using var reader = new StreamReader(context.Request.InputStream);
            var text = await reader.ReadToEndAsync();
            var answer = """<DescribeInstancesResponse xmlns="http://ec2.amazonaws.com/doc/2016-11-15/"><requestId>r</requestId><reservationSet/></DescribeInstancesResponse>"""u8.ToArray();
            context.Response.ContentType = "text/xml";
            await context.Response.OutputStream.WriteAsync(answer);
            context.Response.Close();
            return Uri.UnescapeDataString(text);
        });
        using var ec2 = new AmazonEC2Client(new BasicAWSCredentials("AKID", "secret"),
            new AmazonEC2Config { ServiceURL = $"http://127.0.0.1:{port}/", AuthenticationRegion = "us-east-1" });

        var found = await new Ec2Instances(ec2, "pipeline-prod").FindAsync("orders", "1.4.7");

        Assert.Empty(found);
        var request = await body;
        Assert.Contains("Action=DescribeInstances", request, StringComparison.Ordinal);
        Assert.Contains("Filter.1.Name=tag:pipeline:stack&Filter.1.Value.1=pipeline-prod", request, StringComparison.Ordinal);
        Assert.Contains("Filter.2.Name=tag:pipeline:service&Filter.2.Value.1=orders", request, StringComparison.Ordinal);
        Assert.Contains("Filter.3.Name=tag:pipeline:version&Filter.3.Value.1=1.4.7", request, StringComparison.Ordinal);
    }
}
