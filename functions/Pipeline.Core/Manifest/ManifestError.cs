namespace Pipeline.Core.Manifest;

/// <summary>One problem in a service.yaml, where it is and what is wrong.</summary>
/// <param name="File">The file as the user named it.</param>
/// <param name="Line">1-based line.</param>
/// <param name="Column">1-based column.</param>
/// <param name="Path">Field path such as <c>tables[0].capacity.read.min</c>; <c>(yaml)</c> for syntax errors.</param>
/// <param name="Message">What is wrong, in words that say how to fix it.</param>
public sealed record ManifestError(string File, int Line, int Column, string Path, string Message)
{
    public override string ToString() => $"{File}:{Line}:{Column}: {Path}: {Message}";
}
