namespace Pipeline.Lambda;

/// <summary>
/// The one required-field guard of every payload's <see cref="IValidatable.Validate"/>: the first
/// missing or blank field is <c>Pipeline.InvalidInput</c> naming it, as <c>field: is required</c>.
/// </summary>
public static class RequiredFields
{
    public static void Check(params ReadOnlySpan<(string? Value, string Field)> fields)
    {
        foreach (var (value, field) in fields)
        {
            if (string.IsNullOrWhiteSpace(value))
            {
                throw new InvalidInputException($"{field}: is required");
            }
        }
    }
}
