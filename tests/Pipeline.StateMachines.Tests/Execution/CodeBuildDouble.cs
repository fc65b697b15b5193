using Pipeline.States;

namespace Pipeline.StateMachines.Tests.Execution;

/// <summary>
/// <c>codebuild:startBuild.sync</c>: checks the request the machine sends and, like a passing
/// build, leaves artifact.tgz and service.yaml where the artifacts override points (in s3rver).
/// A commit listed in <see cref="FailingCommits"/> fails as CodeBuild reports a failed build.
/// </summary>
internal sealed class CodeBuildDouble(EmulatorFixture emulators, string bucket)
{
    public ConcurrentDictionary<string, string> Manifests { get; } = new();

    public ConcurrentBag<string> FailingCommits { get; } = [];

    /// <summary>Services whose repository holds only service.yaml: a build without a buildspec override fails as CodeBuild's does.</summary>
    public ConcurrentBag<string> ManifestOnly { get; } = [];

    public ConcurrentQueue<JsonObject> Requests { get; } = new();

    public async Task<JsonNode?> StartBuildAsync(TaskInvocation invocation)
    {
        var request = invocation.Input!.AsObject();
        Requests.Enqueue(request);
        var env = request["EnvironmentVariablesOverride"]!.AsArray()
            .ToDictionary(e => (string)e!["Name"]!, e => (string)e!["Value"]!);
        var service = env["PIPELINE_SERVICE"];
        var commit = (string)request["SourceVersion"]!;
        var artifacts = request["ArtifactsOverride"]!;
        var prefix = $"{(string)artifacts["Path"]!}/{(string)artifacts["Name"]!}/";
        if ((string)artifacts["Location"]! != bucket || prefix != env["PIPELINE_ARTIFACT_PREFIX"])
        {
            throw new StatesException("CodeBuild.InvalidInputException", $"artifacts override {artifacts.ToJsonString()} disagrees with {prefix}");
        }

        var id = $"{(string)request["ProjectName"]!}:{Guid.NewGuid()}";
        if (FailingCommits.Contains(commit))
        {
            var failed = new JsonObject { ["Build"] = Build(id, commit, "FAILED") };
            throw new StatesException(StatesErrors.TaskFailed, failed.ToJsonString());
        }

        var overridden = request["BuildspecOverride"] is not null;
        if (ManifestOnly.Contains(service) && !overridden)
        {
            // What CodeBuild reports for a source with no buildspec.yml.
            var failed = new JsonObject { ["Build"] = Build(id, commit, "FAILED") };
            failed["Build"]!["Phases"] = new JsonArray(new JsonObject
            {
                ["PhaseType"] = "DOWNLOAD_SOURCE",
                ["PhaseStatus"] = "FAILED",
                ["Contexts"] = new JsonArray(new JsonObject
                {
                    ["StatusCode"] = "YAML_FILE_ERROR",
                    ["Message"] = "stat /codebuild/output/src1/src/buildspec.yml: no such file or directory",
                }),
            });
            throw new StatesException(StatesErrors.TaskFailed, failed.ToJsonString());
        }

        if (!overridden)
        {
            await emulators.PutTextAsync(bucket, prefix + "artifact.tgz", $"artifact of {service} at {commit}");
        }

        await emulators.PutTextAsync(bucket, prefix + "service.yaml", Manifests[service]);
        return new JsonObject { ["Build"] = Build(id, commit, "SUCCEEDED") };
    }

    private static JsonObject Build(string id, string commit, string status) => new()
    {
        ["Id"] = id,
        ["BuildStatus"] = status,
        ["SourceVersion"] = commit,
        ["CurrentPhase"] = "COMPLETED",
    };
}
