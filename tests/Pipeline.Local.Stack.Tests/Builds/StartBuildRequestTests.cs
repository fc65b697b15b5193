using System.Text.Json.Nodes;
using Pipeline.Local.Stack.Builds;

namespace Pipeline.Local.Stack.Tests.Builds;

public sealed class StartBuildRequestTests
{
    [Fact]
    public void FromJson_WhenStepFunctionsPassesParameters_ShouldReadThem()
    {
        var request = StartBuildRequest.FromJson(JsonNode.Parse("""
            {
              "ProjectName": "build", "SourceVersion": "abc",
              "SourceLocationOverride": "https://git-codecommit.us-east-1.amazonaws.com/v1/repos/orders",
              "EnvironmentVariablesOverride": [{ "Name": "SERVICE", "Value": "orders", "Type": "PLAINTEXT" }, { "Name": "N", "Value": "1" }],
              "TimeoutInMinutesOverride": 10
            }
            """));

        Assert.Equal("build", request.ProjectName);
        Assert.Equal("abc", request.SourceVersion);
        Assert.Equal([new BuildEnvironmentVariable("SERVICE", "orders"), new BuildEnvironmentVariable("N", "1")], request.EnvironmentVariablesOverride);
        Assert.Equal(10, request.TimeoutInMinutesOverride);
    }

    [Theory]
    [InlineData("""{"SourceVersion": "x"}""", "ProjectName: required")]
    [InlineData("""{"ProjectName": 5.5, "SourceVersion": {}}""", "SourceVersion: must be a string")]
    [InlineData("""{"ProjectName": "p", "EnvironmentVariablesOverride": {}}""", "EnvironmentVariablesOverride: must be a list")]
    [InlineData("""{"ProjectName": "p", "EnvironmentVariablesOverride": [{"Value": "x"}]}""", "EnvironmentVariablesOverride[0].Name: required")]
    [InlineData("""{"ProjectName": "p", "EnvironmentVariablesOverride": [{"Name": "A", "Value": "x", "Type": "SECRETS_MANAGER"}]}""", "EnvironmentVariablesOverride[0].Type: only PLAINTEXT")]
    [InlineData("""{"ProjectName": "p", "TimeoutInMinutesOverride": 1}""", "TimeoutInMinutesOverride: must be a whole number of minutes from 5 to 2160")]
    [InlineData("""{"ProjectName": "p", "ImageOverride": "x"}""", "ImageOverride: not supported")]
    [InlineData("""[]""", "must be a JSON object")]
    public void FromJson_WhenInputIsInvalid_ShouldNameTheField(string json, string expected)
    {
        var error = Assert.Throws<BuildInputInvalidException>(() => StartBuildRequest.FromJson(JsonNode.Parse(json)));

        Assert.Contains(expected, error.Message, StringComparison.Ordinal);
        Assert.Equal("CodeBuild.InvalidInputException", error.ErrorType);
    }

    [Theory]
    [InlineData("**/*", "a/b/c.js", true)]
    [InlineData("**/*", "top.js", true)]
    [InlineData("*.js", "top.js", true)]
    [InlineData("*.js", "a/b.js", false)]
    [InlineData("src/**/*.js", "src/a.js", true)]
    [InlineData("src/**/*.js", "src/a/b/c.js", true)]
    [InlineData("src/**/*.js", "lib/a.js", false)]
    [InlineData("dist/", "dist/x/y", true)]
    [InlineData("./server.js", "server.js", true)]
    [InlineData("file?.txt", "file1.txt", true)]
    [InlineData("file?.txt", "file10.txt", false)]
    public void Glob_WhenMatchingArtifactPaths_ShouldFollowCodeBuildGlobs(string pattern, string path, bool expected) =>
        Assert.Equal(expected, ArtifactCollector.Glob(pattern).IsMatch(path));
}
