using System.Text.Json.Serialization;

namespace Pipeline.Local.Aws.CodeBuild;

/// <summary>A status code and message explaining a phase's outcome, as CodeBuild reports it.</summary>
public sealed record PhaseContext(string StatusCode, string Message);

/// <summary>One phase of a build, shaped like CodeBuild's BuildPhase.</summary>
public sealed record BuildPhase(
    string PhaseType,
    string? PhaseStatus,
    DateTimeOffset StartTime,
    DateTimeOffset? EndTime,
    long? DurationInSeconds,
    IReadOnlyList<PhaseContext> Contexts);

/// <summary>Where the build log is.</summary>
public sealed record BuildLogs(string GroupName, string StreamName, string DeepLink);

/// <summary>
/// Where the output went: the zip object, or the folder of objects with Packaging NONE; a SHA-256
/// only for a zip, as CodeBuild gives it; ManifestLocation (local only) when the project layout
/// uploaded the manifest.
/// </summary>
public sealed record BuildArtifacts(string? Location, string? Sha256Sum, string? ManifestLocation);

/// <summary>The Build object that StartBuild.sync returns when the build completes.</summary>
public sealed record Build(
    string Id,
    string Arn,
    long BuildNumber,
    string ProjectName,
    string? SourceVersion,
    string? ResolvedSourceVersion,
    string BuildStatus,
    bool BuildComplete,
    string CurrentPhase,
    DateTimeOffset StartTime,
    DateTimeOffset? EndTime,
    string Initiator,
    IReadOnlyList<BuildPhase> Phases,
    BuildLogs Logs,
    BuildArtifacts Artifacts);

/// <summary>A finished build plus what the local stack keeps beside it.</summary>
public sealed record BuildRun(Build Build, string LogPath, string LogTail)
{
    public bool Succeeded => Build.BuildStatus == "SUCCEEDED";

    /// <summary>The task output Step Functions gives for <c>codebuild:startBuild.sync</c>: <c>{"Build": {...}}</c>.</summary>
    public JsonObject ToTaskOutput() => new()
    {
        [nameof(Build)] = System.Text.Json.JsonSerializer.SerializeToNode(Build, BuildJsonContext.Default.Build),
    };

    /// <summary>Why a failed build failed: the failing phase, its context and the end of the log.</summary>
    public string FailureCause()
    {
        var failed = Build.Phases.FirstOrDefault(p => p.PhaseStatus is not (null or "SUCCEEDED"));
        var context = failed?.Contexts.Count > 0 ? failed.Contexts[0] : null;
        var header = failed is null
            ? $"Build {Build.Id} {Build.BuildStatus}"
            : $"Build {Build.Id} {Build.BuildStatus} in phase {failed.PhaseType}: {context?.StatusCode} {context?.Message}".TrimEnd();
        return $"{header}\n--- last lines of {LogPath} ---\n{LogTail}";
    }
}

[JsonSourceGenerationOptions(DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(Build))]
internal sealed partial class BuildJsonContext : JsonSerializerContext;
