namespace Pipeline.Local.Aws.Tests.CodeBuild;

public sealed class LocalBuildRunnerTests : IAsyncLifetime
{
    private BuildFixture _fixture = null!;

    public async Task InitializeAsync() => _fixture = await BuildFixture.CreateAsync();

    public Task DisposeAsync()
    {
        _fixture.Dispose();
        return Task.CompletedTask;
    }

    private Task<BuildRun> BuildAsync(string commit, BuildProject? project = null, params BuildEnvironmentVariable[] overrides) =>
        _fixture.Runner(project).StartBuildSyncAsync(
            new StartBuildRequest("orders-build", commit, overrides), CancellationToken.None);

    private async Task<BuildRun> PushAndBuildAsync(string buildspec) => await BuildAsync(await _fixture.PushAsync(buildspec));

    private Task<BuildRun> BuildAsync(string commit, ProjectArtifacts artifacts) =>
        _fixture.Runner().StartBuildSyncAsync(
            new StartBuildRequest("orders-build", commit, ArtifactsOverride: artifacts), CancellationToken.None);

    private string[] Objects(string bucket = BuildFixture.Bucket)
    {
        var root = Path.Combine(_fixture.StoreRoot, bucket);
        return Directory.Exists(root)
            ? [.. Directory.EnumerateFiles(root, "*", SearchOption.AllDirectories)
                .Select(f => Path.GetRelativePath(root, f).Replace('\\', '/')).Order(StringComparer.Ordinal)]
            : [];
    }

    private static string[] PhaseTypes(BuildRun run) => [.. run.Build.Phases.Select(p => p.PhaseType)];

    private static string? Status(BuildRun run, string phase) => run.Build.Phases.Single(p => p.PhaseType == phase).PhaseStatus;

    private const string Passing = """
        version: 0.2
        env:
          variables:
            FROM_BUILDSPEC: buildspec
            LAYERED: buildspec
        phases:
          install:
            commands:
              - mkdir -p out
              - GREETING=hello
          pre_build:
            commands:
              - cd src
          build:
            commands:
              - echo "build in $(basename $(pwd)) says $GREETING"
              - cp server.js lib/util.js ../out/
              - |
                env | grep -E '^(CODEBUILD_|FROM_|LAYERED)' | sort > ../out/env.txt
          post_build:
            commands:
              - echo "post_build succeeding=$CODEBUILD_BUILD_SUCCEEDING"
        artifacts:
          files:
            - '**/*'
          base-directory: out
        """;

    [Fact]
    public async Task StartBuildSync_WhenBuildspecPasses_ShouldSucceedThroughEveryPhase()
    {
        var commit = await _fixture.PushAsync(Passing);

        var run = await BuildAsync(commit);

        Assert.Equal("SUCCEEDED", run.Build.BuildStatus);
        Assert.True(run.Build.BuildComplete);
        Assert.Equal(
            ["SUBMITTED", "QUEUED", "PROVISIONING", "DOWNLOAD_SOURCE", "INSTALL", "PRE_BUILD", "BUILD", "POST_BUILD",
                "UPLOAD_ARTIFACTS", "FINALIZING", "COMPLETED"],
            PhaseTypes(run));
        Assert.All(run.Build.Phases.SkipLast(1), p => Assert.Equal("SUCCEEDED", p.PhaseStatus));
        Assert.Equal(commit, run.Build.ResolvedSourceVersion);
        Assert.StartsWith("orders-build:", run.Build.Id, StringComparison.Ordinal);
        Assert.Equal("SUCCEEDED", run.ToTaskOutput()["Build"]!["BuildStatus"]!.GetValue<string>());
    }

    [Fact]
    public async Task StartBuildSync_WhenCommandsShareTheShell_ShouldKeepDirectoryAndVariables()
    {
        var run = await PushAndBuildAsync(Passing);

        var log = await File.ReadAllTextAsync(run.LogPath);
        Assert.Contains("build in src says hello", log, StringComparison.Ordinal);
        Assert.Contains("post_build succeeding=1", log, StringComparison.Ordinal);
        Assert.Contains("Entering phase BUILD", log, StringComparison.Ordinal);
        Assert.Contains("Running command cp server.js lib/util.js ../out/", log, StringComparison.Ordinal);
    }

    [Fact]
    public async Task StartBuildSync_WhenBuildRuns_ShouldSetCodeBuildVariablesWithOverridePrecedence()
    {
        var commit = await _fixture.PushAsync(Passing);

        var run = await BuildAsync(commit, null, new BuildEnvironmentVariable("LAYERED", "override"));

        var env = ReadZip(run)["env.txt"].Split('\n', StringSplitOptions.RemoveEmptyEntries)
            .Select(l => l.Split('=', 2)).ToDictionary(p => p[0], p => p[1]);
        Assert.Equal(commit, env["CODEBUILD_RESOLVED_SOURCE_VERSION"]);
        Assert.Equal(commit, env["CODEBUILD_SOURCE_VERSION"]);
        Assert.Equal(run.Build.Id, env["CODEBUILD_BUILD_ID"]);
        Assert.Equal(run.Build.Arn, env["CODEBUILD_BUILD_ARN"]);
        Assert.Equal("1", env["CODEBUILD_BUILD_SUCCEEDING"]);
        Assert.Equal("1", env["CODEBUILD_BUILD_NUMBER"]);
        Assert.EndsWith("/src", env["CODEBUILD_SRC_DIR"], StringComparison.Ordinal);
        Assert.True(File.Exists(Path.Combine(env["CODEBUILD_SRC_DIR"], "buildspec.yml")));
        Assert.Equal("https://git-codecommit.us-east-1.amazonaws.com/v1/repos/orders", env["CODEBUILD_SOURCE_REPO_URL"]);
        Assert.Equal("buildspec", env["FROM_BUILDSPEC"]);
        Assert.Equal("project", env["FROM_PROJECT"]);
        Assert.Equal("override", env["LAYERED"]);
    }

    [Fact]
    public async Task StartBuildSync_WhenArtifactsUseBaseDirectory_ShouldZipPathsRelativeToItAndUploadTheManifest()
    {
        var commit = await _fixture.PushAsync(Passing);

        var run = await BuildAsync(commit);

        Assert.Equal(["env.txt", "server.js", "util.js"], ReadZip(run).Keys.Order(StringComparer.Ordinal));
        var manifest = Path.Combine(_fixture.StoreRoot, BuildFixture.Bucket, "builds", "orders", commit, "service.yaml");
        Assert.Equal("name: orders\nport: 3000\n", await File.ReadAllTextAsync(manifest));
        Assert.Equal($"arn:aws:s3:::{BuildFixture.Bucket}/builds/orders/{commit}/artifact.zip", run.Build.Artifacts.Location);
        Assert.Equal($"arn:aws:s3:::{BuildFixture.Bucket}/builds/orders/{commit}/service.yaml", run.Build.Artifacts.ManifestLocation);
        Assert.Equal(64, run.Build.Artifacts.Sha256Sum!.Length);
    }

    private const string Packaging = """
        version: 0.2
        phases:
          build:
            commands:
              - mkdir -p dist/lib && cp src/server.js dist/ && cp src/lib/util.js dist/lib/
        artifacts:
          files: ["**/*"]
          base-directory: dist
          name: app-$CODEBUILD_BUILD_NUMBER
        """;

    [Fact]
    public async Task StartBuildSync_WhenArtifactsOverridePackagesNone_ShouldUploadEachSelectedFileUnderPathAndNameOnly()
    {
        var commit = await _fixture.PushAsync(Packaging);

        var run = await BuildAsync(commit, new ProjectArtifacts("S3", "other-bucket", "builds/orders", "exec-1"));

        Assert.True(run.Succeeded, run.FailureCause());
        Assert.Equal(["builds/orders/exec-1/lib/util.js", "builds/orders/exec-1/server.js"], Objects("other-bucket"));
        Assert.Empty(Objects());
        Assert.Equal("arn:aws:s3:::other-bucket/builds/orders/exec-1", run.Build.Artifacts.Location);
        Assert.Null(run.Build.Artifacts.Sha256Sum);
        Assert.Null(run.Build.Artifacts.ManifestLocation);
    }

    [Fact]
    public async Task StartBuildSync_WhenArtifactsOverrideZipsWithBuildId_ShouldUploadOneZipUnderTheBuildUuid()
    {
        var commit = await _fixture.PushAsync(Packaging);

        var run = await BuildAsync(commit, new ProjectArtifacts("S3", BuildFixture.Bucket, "out", "bundle.zip", "BUILD_ID", "ZIP"));

        var uuid = run.Build.Id.Split(':')[1];
        Assert.Equal([$"out/{uuid}/bundle.zip"], Objects());
        Assert.Equal(["lib/util.js", "server.js"], ReadZip(run).Keys.Order(StringComparer.Ordinal));
        Assert.Equal(64, run.Build.Artifacts.Sha256Sum!.Length);
    }

    [Fact]
    public async Task StartBuildSync_WhenNameIsSlashWithoutPath_ShouldUploadToTheRootOfTheBucket()
    {
        var commit = await _fixture.PushAsync(Packaging);

        var run = await BuildAsync(commit, new ProjectArtifacts("S3", BuildFixture.Bucket, null, "/"));

        Assert.Equal(["lib/util.js", "server.js"], Objects());
        Assert.Equal($"arn:aws:s3:::{BuildFixture.Bucket}", run.Build.Artifacts.Location);
    }

    [Fact]
    public async Task StartBuildSync_WhenOverrideArtifactNameIsSet_ShouldNameTheOutputByTheBuildspecEvaluatedByTheShell()
    {
        var commit = await _fixture.PushAsync(Packaging);

        var run = await BuildAsync(commit, new ProjectArtifacts("S3", BuildFixture.Bucket, "builds", "ignored", OverrideArtifactName: true));

        Assert.Equal(["builds/app-1/lib/util.js", "builds/app-1/server.js"], Objects());
    }

    [Fact]
    public async Task StartBuildSync_WhenOverrideArtifactNameIsNotSet_ShouldIgnoreTheBuildspecName()
    {
        var commit = await _fixture.PushAsync(Packaging);

        await BuildAsync(commit, new ProjectArtifacts("S3", BuildFixture.Bucket, "builds", "exec-1"));

        Assert.Equal(["builds/exec-1/lib/util.js", "builds/exec-1/server.js"], Objects());
    }

    [Fact]
    public async Task StartBuildSync_WhenTypeIsNoArtifacts_ShouldUploadNothingAndSucceed()
    {
        var commit = await _fixture.PushAsync(Packaging);

        var run = await BuildAsync(commit, new ProjectArtifacts("NO_ARTIFACTS"));

        Assert.True(run.Succeeded, run.FailureCause());
        Assert.Equal("SUCCEEDED", Status(run, "UPLOAD_ARTIFACTS"));
        Assert.False(Directory.Exists(_fixture.StoreRoot));
        Assert.Null(run.Build.Artifacts.Location);
    }

    [Fact]
    public async Task StartBuildSync_WhenOverrideWantsS3ButTheBuildspecSelectsNothing_ShouldFailUploadArtifacts()
    {
        var commit = await _fixture.PushAsync("version: 0.2\nphases:\n  build:\n    commands: [\"true\"]\n");

        var run = await BuildAsync(commit, new ProjectArtifacts("S3", BuildFixture.Bucket, "builds/orders", "exec-1"));

        Assert.Equal("FAILED", Status(run, "UPLOAD_ARTIFACTS"));
        Assert.Contains("CLIENT_ERROR no definition for primary artifacts in buildspec", run.FailureCause(), StringComparison.Ordinal);
        Assert.False(Directory.Exists(_fixture.StoreRoot));
    }

    [Fact]
    public async Task StartBuildSync_WhenDiscardPathsIsSet_ShouldFlattenTheSelectedFiles()
    {
        var run = await PushAndBuildAsync("""
            version: 0.2
            phases:
              build:
                commands: ["true"]
            artifacts:
              files: [src/**/*.js, buildspec.yml]
              discard-paths: yes
              exclude-paths: [src/lib/*]
            """);

        Assert.Equal(["buildspec.yml", "server.js"], ReadZip(run).Keys.Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task StartBuildSync_WhenTestsFail_ShouldFailWithTheLogTailAndStillRunPostBuildAndFinally()
    {
        var run = await PushAndBuildAsync("""
            version: 0.2
            phases:
              build:
                commands:
                  - echo "running tests"
                  - echo "AssertionError expected 1 to equal 2" >&2; exit 1
                  - echo "never printed"
                finally:
                  - echo "finally after failure"
              post_build:
                commands:
                  - echo "post_build succeeding=$CODEBUILD_BUILD_SUCCEEDING"
            """);

        Assert.Equal("FAILED", run.Build.BuildStatus);
        Assert.Equal("FAILED", Status(run, "BUILD"));
        Assert.Equal("SUCCEEDED", Status(run, "POST_BUILD"));
        var context = Assert.Single(run.Build.Phases.Single(p => p.PhaseType == "BUILD").Contexts);
        Assert.Equal("COMMAND_EXECUTION_ERROR", context.StatusCode);
        Assert.Contains("exit status 1", context.Message, StringComparison.Ordinal);
        Assert.Contains("AssertionError expected 1 to equal 2", run.LogTail, StringComparison.Ordinal);
        Assert.Contains("finally after failure", run.LogTail, StringComparison.Ordinal);
        Assert.Contains("post_build succeeding=0", await File.ReadAllTextAsync(run.LogPath), StringComparison.Ordinal);
        Assert.DoesNotContain("never printed", run.LogTail, StringComparison.Ordinal);
        var cause = run.FailureCause();
        Assert.StartsWith($"Build {run.Build.Id} FAILED in phase BUILD: COMMAND_EXECUTION_ERROR", cause, StringComparison.Ordinal);
        Assert.Contains("AssertionError expected 1 to equal 2", cause, StringComparison.Ordinal);
    }

    [Fact]
    public async Task StartBuildSync_WhenPreBuildFails_ShouldSkipBuildAndArtifacts()
    {
        var run = await PushAndBuildAsync("""
            version: 0.2
            phases:
              pre_build:
                commands: ["false"]
              build:
                commands: ["echo should not run"]
            artifacts:
              files: ["**/*"]
            """);

        Assert.Equal("FAILED", run.Build.BuildStatus);
        Assert.DoesNotContain("BUILD", PhaseTypes(run));
        Assert.DoesNotContain("UPLOAD_ARTIFACTS", PhaseTypes(run));
        Assert.Null(run.Build.Artifacts.Location);
        Assert.False(Directory.Exists(Path.Combine(_fixture.StoreRoot, BuildFixture.Bucket)));
    }

    [Fact]
    public async Task StartBuildSync_WhenPhaseSaysContinue_ShouldRunTheNextPhaseButStillFail()
    {
        var run = await PushAndBuildAsync("""
            version: 0.2
            phases:
              pre_build:
                on-failure: CONTINUE
                commands: ["false"]
              build:
                commands: ["echo build ran with succeeding=$CODEBUILD_BUILD_SUCCEEDING"]
            """);

        Assert.Equal("FAILED", run.Build.BuildStatus);
        Assert.Equal("SUCCEEDED", Status(run, "BUILD"));
        Assert.Contains("build ran with succeeding=0", await File.ReadAllTextAsync(run.LogPath), StringComparison.Ordinal);
    }

    [Fact]
    public async Task StartBuildSync_WhenBuildPhaseSaysAbort_ShouldSkipPostBuild()
    {
        var run = await PushAndBuildAsync("""
            version: 0.2
            phases:
              build:
                on-failure: ABORT
                commands: ["exit 3"]
              post_build:
                commands: ["echo post_build ran"]
            """);

        Assert.Equal("FAILED", run.Build.BuildStatus);
        Assert.DoesNotContain("POST_BUILD", PhaseTypes(run));
        Assert.Contains("exit status 3", run.FailureCause(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task StartBuildSync_WhenBuildspecIsInvalid_ShouldFailDownloadSourceWithYamlFileError()
    {
        var run = await PushAndBuildAsync("version: 0.2\nphases:\n  compile:\n    commands: [make]\n");

        var phase = run.Build.Phases.Single(p => p.PhaseType == "DOWNLOAD_SOURCE");
        Assert.Equal("FAILED", phase.PhaseStatus);
        Assert.Equal("YAML_FILE_ERROR", phase.Contexts[0].StatusCode);
        Assert.Contains("phases.compile: unknown phase", phase.Contexts[0].Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task StartBuildSync_WhenCommitDoesNotExist_ShouldFailDownloadSource()
    {
        await _fixture.PushAsync(Passing);

        var run = await BuildAsync(new string('a', 40));

        Assert.Equal("FAILED", run.Build.BuildStatus);
        Assert.Equal("CLIENT_ERROR", run.Build.Phases.Single(p => p.PhaseType == "DOWNLOAD_SOURCE").Contexts[0].StatusCode);
    }

    [Fact]
    public async Task StartBuildSync_WhenSourceVersionIsABranch_ShouldResolveItToTheCommit()
    {
        var commit = await _fixture.PushAsync(Passing);

        var run = await BuildAsync("main");

        Assert.Equal(commit, run.Build.ResolvedSourceVersion);
        Assert.Equal("main", run.Build.SourceVersion);
    }

    [Fact]
    public async Task StartBuildSync_WhenBuildOutlivesTheTimeout_ShouldEndTimedOut()
    {
        var commit = await _fixture.PushAsync("version: 0.2\nphases:\n  build:\n    commands: [\"sleep 60\"]\n");
        var project = BuildFixture.Project() with { Timeout = TimeSpan.FromSeconds(5) };
        var watch = System.Diagnostics.Stopwatch.StartNew();

        var run = await BuildAsync(commit, project);

        Assert.True(watch.Elapsed < TimeSpan.FromSeconds(30), $"took {watch.Elapsed}");
        Assert.Equal("TIMED_OUT", run.Build.BuildStatus);
        Assert.Equal("TIMED_OUT", Status(run, "BUILD"));
    }

    [Fact]
    public async Task StartBuildSync_WhenNoFileMatchesTheArtifacts_ShouldFailUploadArtifacts()
    {
        var run = await PushAndBuildAsync("version: 0.2\nphases:\n  build:\n    commands: [\"true\"]\nartifacts:\n  files: [dist/**/*]\n");

        Assert.Equal("FAILED", Status(run, "UPLOAD_ARTIFACTS"));
        Assert.Contains("no matching artifact paths found", run.FailureCause(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task StartBuildSync_WhenRunTwice_ShouldNumberBuildsAndKeepEachLog()
    {
        var commit = await _fixture.PushAsync(Passing);

        var first = await BuildAsync(commit);
        var second = await BuildAsync(commit);

        Assert.Equal(1, first.Build.BuildNumber);
        Assert.Equal(2, second.Build.BuildNumber);
        Assert.NotEqual(first.LogPath, second.LogPath);
        Assert.True(File.Exists(first.LogPath));
        Assert.True(File.Exists(Path.Combine(Path.GetDirectoryName(second.LogPath)!, "build.json")));
    }

    [Fact]
    public async Task StartBuildSync_WhenProjectIsUnknown_ShouldThrowResourceNotFound()
    {
        var error = await Assert.ThrowsAsync<BuildProjectNotFoundException>(() =>
            _fixture.Runner().StartBuildSyncAsync(new StartBuildRequest("nope"), CancellationToken.None));

        Assert.Equal("CodeBuild.ResourceNotFoundException", error.ErrorType);
    }

    private Dictionary<string, string> ReadZip(BuildRun run)
    {
        var key = run.Build.Artifacts.Location!.Split(":::", 2)[1];
        using var zip = ZipFile.OpenRead(Path.Combine(_fixture.StoreRoot, key));
        return zip.Entries.ToDictionary(e => e.FullName, e =>
        {
            using var reader = new StreamReader(e.Open());
            return reader.ReadToEnd();
        });
    }
}
