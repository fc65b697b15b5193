using Pipeline.Core.Manifest;

namespace Pipeline.Core.Errors;

/// <summary>A service.yaml broke one or more rules; every problem found is listed.</summary>
public sealed class ManifestInvalidException(IReadOnlyList<ManifestError> errors)
    : PipelineException(Describe(errors))
{
    public const string Name = "Pipeline.ManifestInvalid";

    public IReadOnlyList<ManifestError> Errors { get; } = errors;

    public override string ErrorType => Name;

    private static string Describe(IReadOnlyList<ManifestError> errors) =>
        $"service.yaml has {errors.Count} problem(s):\n" + string.Join('\n', errors);
}
