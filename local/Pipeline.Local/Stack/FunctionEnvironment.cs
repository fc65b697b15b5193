namespace Pipeline.Local.Stack;

/// <summary>
/// A function's environment on the local stack: its template variables (Globals plus its own
/// Environment.Variables, as template.yaml resolves them), the SDK's <c>AWS_ENDPOINT_URL_*</c>
/// pointing at the emulators, and the <see cref="LocalOnlySettings"/>. Nothing else: the variables
/// Lambda itself sets come from the local Lambda service, as on AWS.
/// </summary>
internal static class FunctionEnvironment
{
    public const string EndpointPrefix = "AWS_ENDPOINT_URL_";

    public static Dictionary<string, string> Compose(
        IReadOnlyDictionary<string, string> template,
        IReadOnlyDictionary<string, string> endpoints,
        IReadOnlyDictionary<string, string> localOnly)
    {
        ArgumentNullException.ThrowIfNull(template);
        ArgumentNullException.ThrowIfNull(endpoints);
        ArgumentNullException.ThrowIfNull(localOnly);
        var environment = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var (name, value) in endpoints)
        {
            environment[name] = name.StartsWith(EndpointPrefix, StringComparison.Ordinal)
                ? value
                : throw new ArgumentException($"{name} is not an {EndpointPrefix}* variable", nameof(endpoints));
        }

        foreach (var (name, value) in localOnly)
        {
            environment[name] = LocalOnlySettings.Contains(name)
                ? value
                : throw new ArgumentException($"{name} is not one of the local-only settings ({string.Join(", ", LocalOnlySettings.All.Select(s => s.Name))})", nameof(localOnly));
        }

        // A name the template declares keeps the template's value, as it would on AWS.
        foreach (var (name, value) in template)
        {
            environment[name] = value;
        }

        return environment;
    }
}
