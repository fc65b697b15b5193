namespace Pipeline.Local.Aws.Tests.CodeBuild;

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

    [Fact]
    public void FromJson_WhenTheDeployMachineOverridesArtifacts_ShouldReadTheOverride()
    {
        var request = StartBuildRequest.FromJson(JsonNode.Parse("""
            {
              "ProjectName": "build", "SourceVersion": "abc", "SourceTypeOverride": "CODECOMMIT",
              "ArtifactsOverride": {
                "Type": "S3", "Location": "artifacts", "Packaging": "NONE", "NamespaceType": "NONE",
                "Path": "builds/orders", "Name": "exec-1"
              }
            }
            """));

        Assert.Equal(new ProjectArtifacts("S3", "artifacts", "builds/orders", "exec-1"), request.ArtifactsOverride);
        Assert.Equal("builds/orders/exec-1", request.ArtifactsOverride!.Key("uuid"));
    }

    [Fact]
    public void FromJson_WhenTypeIsNoArtifacts_ShouldIgnoreTheOtherFields()
    {
        var request = StartBuildRequest.FromJson(JsonNode.Parse("""
            {"ProjectName": "p", "ArtifactsOverride": {"Type": "NO_ARTIFACTS", "Location": "ignored", "Name": "ignored"}}
            """));

        Assert.Equal(new ProjectArtifacts("NO_ARTIFACTS"), request.ArtifactsOverride);
        Assert.True(request.ArtifactsOverride!.None);
    }

    [Theory]
    [InlineData("""["S3"]""", "ArtifactsOverride: must be an object")]
    [InlineData("""{"Location": "b", "Name": "n"}""", "ArtifactsOverride.Type: required")]
    [InlineData("""{"Type": "s3", "Location": "b", "Name": "n"}""", "ArtifactsOverride.Type: must be S3, NO_ARTIFACTS or CODEPIPELINE, got 's3'")]
    [InlineData("""{"Type": "CODEPIPELINE"}""", "ArtifactsOverride.Type: CODEPIPELINE output is managed by CodePipeline")]
    [InlineData("""{"Type": "S3", "Name": "n"}""", "ArtifactsOverride.Location: required when Type is S3")]
    [InlineData("""{"Type": "S3", "Location": "bucket/builds", "Name": "n"}""", "ArtifactsOverride.Location: must be a bucket name alone, got 'bucket/builds'")]
    [InlineData("""{"Type": "S3", "Location": "b"}""", "ArtifactsOverride.Name: required when Type is S3")]
    [InlineData("""{"Type": "S3", "Location": "b", "Name": "n", "Packaging": "TGZ"}""", "ArtifactsOverride.Packaging: must be NONE or ZIP, got 'TGZ'")]
    [InlineData("""{"Type": "S3", "Location": "b", "Name": "n", "NamespaceType": "BUILD_NUMBER"}""", "ArtifactsOverride.NamespaceType: must be NONE or BUILD_ID, got 'BUILD_NUMBER'")]
    [InlineData("""{"Type": "S3", "Location": "b", "Name": "n", "Path": 7}""", "ArtifactsOverride.Path: must be a string")]
    [InlineData("""{"Type": "S3", "Location": "b", "Name": "n", "OverrideArtifactName": "yes"}""", "ArtifactsOverride.OverrideArtifactName: must be true or false")]
    [InlineData("""{"Type": "S3", "Location": "b", "Name": "n", "BucketOwnerAccess": "FULL"}""", "ArtifactsOverride.BucketOwnerAccess: not supported by the local build runner")]
    public void FromJson_WhenArtifactsOverrideIsInvalid_ShouldNameTheField(string artifacts, string expected)
    {
        var json = $$"""{"ProjectName": "p", "ArtifactsOverride": {{artifacts}}}""";

        var error = Assert.Throws<BuildInputInvalidException>(() => StartBuildRequest.FromJson(JsonNode.Parse(json)));

        Assert.StartsWith(expected, error.Message, StringComparison.Ordinal);
        Assert.Equal("CodeBuild.InvalidInputException", error.ErrorType);
    }

    // The examples of the ProjectArtifacts reference (name, namespaceType), and the deploy machine's own.
    [Theory]
    [InlineData("MyArtifacts", "BUILD_ID", "MyArtifact.zip", "MyArtifacts/0b1c/MyArtifact.zip")]
    [InlineData("MyArtifacts", "NONE", "MyArtifact.zip", "MyArtifacts/MyArtifact.zip")]
    [InlineData(null, "NONE", "/", "")]
    [InlineData("MyArtifacts", "BUILD_ID", "/", "MyArtifacts/0b1c")]
    [InlineData("builds/orders/", "NONE", "exec-1", "builds/orders/exec-1")]
    public void Key_WhenPathNamespaceAndNameCombine_ShouldFollowCodeBuild(string? path, string namespaceType, string name, string expected) =>
        Assert.Equal(expected, new ProjectArtifacts("S3", "bucket", path, name, namespaceType).Key("0b1c"));

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
