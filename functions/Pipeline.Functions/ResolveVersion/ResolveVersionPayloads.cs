using System.Text.Json.Serialization;
using Pipeline.Core.Deploy;

namespace Pipeline.Functions.ResolveVersion;

/// <summary>Which recorded version of which service the run deploys.</summary>
/// <param name="Version">The version label, e.g. <c>1.4.7-0d1a26e</c>.</param>
public sealed record ResolveVersionInput(string Service, string Version) : IValidatable
{
    public void Validate()
    {
        if (string.IsNullOrWhiteSpace(Service))
        {
            throw new InvalidInputException("service: is required");
        }

        if (string.IsNullOrWhiteSpace(Version))
        {
            throw new InvalidInputException("version: is required (a recorded version label)");
        }
    }
}

[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase, DefaultIgnoreCondition = JsonIgnoreCondition.Never)]
[JsonSerializable(typeof(ResolveVersionInput))]
[JsonSerializable(typeof(ResolvedVersion))]
public sealed partial class ResolveVersionJson : JsonSerializerContext;
