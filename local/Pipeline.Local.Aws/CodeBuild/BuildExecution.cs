using Pipeline.Local.Aws.CloudFormation;

namespace Pipeline.Local.Aws.CodeBuild;

/// <summary>
/// The phases of one build in CodeBuild's order and with its transitions: a failure in INSTALL or
/// PRE_BUILD ends the build, a failure in BUILD still runs POST_BUILD, UPLOAD_ARTIFACTS is attempted
/// after POST_BUILD whatever happened; a phase's <c>on-failure</c> (ABORT or CONTINUE) overrides that.
/// </summary>
internal sealed class BuildExecution(BuildContext context, IArtifactBucket store, StackContext stack)
{
    private static readonly Dictionary<string, string> PhaseTypes = new(StringComparer.Ordinal)
    {
        ["install"] = "INSTALL",
        ["pre_build"] = "PRE_BUILD",
        ["build"] = "BUILD",
        ["post_build"] = "POST_BUILD",
    };

    private BuildShell? _shell;

    public async Task RunAsync(CancellationToken cancellationToken)
    {
        foreach (var phase in new[] { "SUBMITTED", "QUEUED", "PROVISIONING" })
        {
            await context.BeginAsync(phase);
            await context.SucceedAsync();
        }

        var buildspec = await DownloadSourceAsync(cancellationToken);
        if (buildspec is null)
        {
            return;
        }

        try
        {
            if (await RunPhasesAsync(buildspec, cancellationToken))
            {
                await UploadArtifactsAsync(buildspec, cancellationToken);
            }
        }
        finally
        {
            if (_shell is not null)
            {
                if (cancellationToken.IsCancellationRequested)
                {
                    _shell.Kill();
                }

                await _shell.DisposeAsync();
            }
        }
    }

    private async Task<Buildspec?> DownloadSourceAsync(CancellationToken cancellationToken)
    {
        await context.BeginAsync("DOWNLOAD_SOURCE");
        var version = context.Request.SourceVersion ?? "HEAD";
        try
        {
            context.ResolvedSourceVersion = (await LocalBuildRunner.GitAsync(
                null, cancellationToken, "--git-dir", context.RepositoryPath, "rev-parse", "--verify", "--quiet", version + "^{commit}")).Trim();
        }
        catch (CommandFailedException)
        {
            await context.FailAsync("CLIENT_ERROR", $"repository {context.Repository} has no commit '{version}'");
            return null;
        }

        await LocalBuildRunner.GitAsync(null, cancellationToken, "clone", "--quiet", "--no-checkout", context.RepositoryPath, context.SourceDirectory);
        await LocalBuildRunner.GitAsync(context.SourceDirectory, cancellationToken, "checkout", "--quiet", "--detach", context.ResolvedSourceVersion);
        await context.LogAsync($"Source {context.Repository} checked out at {context.ResolvedSourceVersion} in {context.SourceDirectory}");

        var overrideText = context.Request.BuildspecOverride;
        var inline = overrideText is not null && overrideText.Contains('\n', StringComparison.Ordinal);
        var file = Path.Combine(context.SourceDirectory, inline ? "" : overrideText ?? "buildspec.yml");
        try
        {
            var text = inline ? overrideText! : File.Exists(file) ? await File.ReadAllTextAsync(file, cancellationToken)
                : throw new BuildspecInvalidException($"no buildspec at {Path.GetRelativePath(context.SourceDirectory, file)}");
            var buildspec = Buildspec.Parse(text);
            await context.SucceedAsync();
            return buildspec;
        }
        catch (BuildspecInvalidException e)
        {
            await context.FailAsync("YAML_FILE_ERROR", e.Message);
            return null;
        }
    }

    /// <summary>Runs INSTALL to POST_BUILD; false when the build was aborted before uploading artifacts.</summary>
    private async Task<bool> RunPhasesAsync(Buildspec buildspec, CancellationToken cancellationToken)
    {
        var skipToPostBuild = false;
        foreach (var name in Buildspec.PhaseNames)
        {
            if (skipToPostBuild && name != "post_build")
            {
                continue;
            }

            await context.BeginAsync(PhaseTypes[name]);
            var phase = buildspec.Phases.GetValueOrDefault(name);
            var failure = phase is null ? null : await RunPhaseAsync(buildspec, phase, cancellationToken);
            if (failure is null)
            {
                await context.SucceedAsync();
                continue;
            }

            await context.FailAsync("COMMAND_EXECUTION_ERROR", failure);
            switch (phase!.OnFailure)
            {
                case "CONTINUE":
                    continue;
                case "ABORT":
                    return false;
            }

            if (name is "install" or "pre_build")
            {
                return false;
            }

            skipToPostBuild = name == "build";
        }

        return true;
    }

    /// <summary>Runs a phase's commands, then its finally block; returns why it failed, or null.</summary>
    private async Task<string?> RunPhaseAsync(Buildspec buildspec, BuildspecPhase phase, CancellationToken cancellationToken)
    {
        var shell = await ShellAsync(buildspec);
        await shell.RunAsync($"export CODEBUILD_BUILD_SUCCEEDING={(context.Succeeding ? 1 : 0)}", context.LogPath, cancellationToken);
        string? failure = null;
        foreach (var command in phase.Commands)
        {
            failure = await RunCommandAsync(buildspec, command, cancellationToken);
            if (failure is not null)
            {
                break;
            }
        }

        // finally runs whatever happened; its own first failure counts only if the commands passed.
        foreach (var command in phase.Finally)
        {
            var finallyFailure = await RunCommandAsync(buildspec, command, cancellationToken);
            failure ??= finallyFailure;
        }

        return failure;
    }

    private async Task<string?> RunCommandAsync(Buildspec buildspec, string command, CancellationToken cancellationToken)
    {
        await context.LogAsync($"Running command {command}");
        var shell = await ShellAsync(buildspec);
        var status = await shell.RunAsync(command, context.LogPath, cancellationToken);
        if (status is null)
        {
            // The command ended the shell (exit); later commands get a fresh one, as a new container shell would.
            status = await shell.ExitCodeAsync();
            await shell.DisposeAsync();
            _shell = null;
        }

        if (status == 0)
        {
            return null;
        }

        var reason = string.Create(CultureInfo.InvariantCulture, $"Error while executing command: {command}. Reason: exit status {status}");
        await context.LogAsync($"Command did not exit successfully {command} exit status {status}");
        return reason;
    }

    private async Task<BuildShell> ShellAsync(Buildspec buildspec) =>
        _shell ??= await BuildShell.StartAsync(buildspec.Shell, context.SourceDirectory, Environment(buildspec), context.LogPath);

    // CodeBuild's precedence: StartBuild overrides, then the project, then the buildspec.
    private Dictionary<string, string> Environment(Buildspec buildspec)
    {
        var env = new Dictionary<string, string>(buildspec.Variables, StringComparer.Ordinal);
        foreach (var (key, value) in context.Project.Environment)
        {
            env[key] = value;
        }

        foreach (var variable in context.Request.EnvironmentVariablesOverride ?? [])
        {
            env[variable.Name] = variable.Value;
        }

        env["CODEBUILD_BUILD_ID"] = context.Id;
        env["CODEBUILD_BUILD_ARN"] = $"arn:{stack.Partition}:codebuild:{stack.Region}:{stack.AccountId}:build/{context.Id}";
        env["CODEBUILD_BUILD_NUMBER"] = context.Number.ToString(CultureInfo.InvariantCulture);
        env["CODEBUILD_BUILD_IMAGE"] = "pipeline-local";
        env["CODEBUILD_BUILD_SUCCEEDING"] = context.Succeeding ? "1" : "0";
        env["CODEBUILD_INITIATOR"] = "pipeline-local";
        env["CODEBUILD_PROJECT_NAME"] = context.Project.Name;
        env["CODEBUILD_RESOLVED_SOURCE_VERSION"] = context.ResolvedSourceVersion!;
        env["CODEBUILD_SOURCE_VERSION"] = context.Request.SourceVersion ?? context.ResolvedSourceVersion!;
        env["CODEBUILD_SOURCE_REPO_URL"] =
            $"https://git-codecommit.{stack.Region}.amazonaws.com/v1/repos/{context.Repository}";
        env["CODEBUILD_SRC_DIR"] = context.SourceDirectory;
        env["CODEBUILD_START_TIME"] = context.StartTime.ToUnixTimeMilliseconds().ToString(CultureInfo.InvariantCulture);
        env["AWS_REGION"] = stack.Region;
        env["AWS_DEFAULT_REGION"] = stack.Region;
        return env;
    }

    private async Task UploadArtifactsAsync(Buildspec buildspec, CancellationToken cancellationToken)
    {
        await context.BeginAsync("UPLOAD_ARTIFACTS");
        var failure = context.Request.ArtifactsOverride is { } artifacts
            ? await UploadAsync(artifacts, buildspec, cancellationToken)
            : await UploadToProjectLayoutAsync(buildspec, cancellationToken);
        if (failure is null)
        {
            await context.SucceedAsync();
        }
        else
        {
            await context.FailAsync("CLIENT_ERROR", failure);
        }
    }

    // As CodeBuild does: exactly what the buildspec's artifacts select, where the override says, and
    // nothing else (the manifest goes only if the buildspec lists it).
    private async Task<string?> UploadAsync(ProjectArtifacts artifacts, Buildspec buildspec, CancellationToken cancellationToken)
    {
        if (artifacts.None)
        {
            await context.LogAsync("Skipping artifact upload: artifacts type is NO_ARTIFACTS");
            return null;
        }

        if (buildspec.Artifacts is not { } selection)
        {
            return "no definition for primary artifacts in buildspec";
        }

        var name = artifacts.OverrideArtifactName && selection.Name is { } buildspecName
            ? await ExpandAsync(buildspec, buildspecName, cancellationToken)
            : null;
        return await PutAsync(artifacts, selection, name, cancellationToken);
    }

    // Without an override, the local project layout: {ArtifactPrefix}/{repository}/{commit}/, one zip
    // named after the buildspec's artifacts.name (artifact.zip when it has none) and the project's
    // manifest file beside it whether or not the buildspec selects it.
    private async Task<string?> UploadToProjectLayoutAsync(Buildspec buildspec, CancellationToken cancellationToken)
    {
        var project = context.Project;
        var path = $"{project.ArtifactPrefix.TrimEnd('/')}/{context.Repository}/{context.ResolvedSourceVersion}";
        if (buildspec.Artifacts is { } selection)
        {
            var name = $"{selection.Name ?? "artifact"}.zip".Replace(".zip.zip", ".zip", StringComparison.Ordinal);
            var failure = await PutAsync(
                new ProjectArtifacts("S3", project.ArtifactsBucket, path, name, Packaging: "ZIP"), selection, null, cancellationToken);
            if (failure is not null)
            {
                return failure;
            }
        }

        if (project.ManifestFile is { } manifest)
        {
            var file = Path.Combine(context.SourceDirectory, manifest);
            if (!File.Exists(file))
            {
                return $"{manifest} not found at the root of {context.Repository}";
            }

            var key = $"{path}/{Path.GetFileName(manifest)}";
            await store.PutFileAsync(project.ArtifactsBucket, key, file, "application/yaml", cancellationToken);
            context.ManifestLocation = $"arn:{stack.Partition}:s3:::{project.ArtifactsBucket}/{key}";
            await context.LogAsync($"Uploaded {manifest} as s3://{project.ArtifactsBucket}/{key}");
        }

        return null;
    }

    /// <summary>Uploads the selected files as one zip (ZIP) or one object each (NONE); returns why it could not, or null.</summary>
    private async Task<string?> PutAsync(
        ProjectArtifacts artifacts, BuildspecArtifacts selection, string? name, CancellationToken cancellationToken)
    {
        IReadOnlyList<(string Source, string Entry)> files;
        try
        {
            files = ArtifactCollector.Select(selection, context.SourceDirectory);
        }
        catch (InvalidOperationException e)
        {
            return e.Message;
        }

        if (files.Count == 0)
        {
            return $"no matching artifact paths found for {string.Join(", ", selection.Files)}";
        }

        var bucket = artifacts.Location!;
        var key = artifacts.Key(context.Uuid, name);
        if (artifacts.Zip)
        {
            if (key.Length == 0)
            {
                return "ZIP packaging needs a Path or a Name other than \"/\" to name the zip object";
            }

            var zip = Path.Combine(context.Directory, "artifact.zip");
            ArtifactCollector.Zip(files, zip);
            await store.PutFileAsync(bucket, key, zip, "application/zip", cancellationToken);
            context.ArtifactSha256 = await LocalBuildRunner.Sha256Async(zip);
            await context.LogAsync($"Uploaded {files.Count} files as s3://{bucket}/{key}");
        }
        else
        {
            foreach (var (source, entry) in files)
            {
                var objectKey = key.Length == 0 ? entry : $"{key}/{entry}";
                await store.PutFileAsync(bucket, objectKey, source, ArtifactCollector.ContentType(entry), cancellationToken);
                await context.LogAsync($"Uploaded {entry} as s3://{bucket}/{objectKey}");
            }
        }

        context.ArtifactLocation = $"arn:{stack.Partition}:s3:::{bucket}{(key.Length == 0 ? "" : "/" + key)}";
        return null;
    }

    // The buildspec's artifacts.name is shell language evaluated at upload time (e.g. app-$(date +%F)),
    // in the build's own shell so that variables the commands exported are seen.
    private async Task<string> ExpandAsync(Buildspec buildspec, string name, CancellationToken cancellationToken)
    {
        var file = Path.Combine(context.Directory, "artifact-name");
        var shell = await ShellAsync(buildspec);
        var status = await shell.RunAsync($"printf '%s' \"{name}\" > {BuildShell.Quote(file)}", context.LogPath, cancellationToken);
        if (status == 0 && File.Exists(file))
        {
            return await File.ReadAllTextAsync(file, cancellationToken);
        }

        await context.LogAsync($"Could not evaluate artifact name {name}; using it as written");
        return name;
    }
}
