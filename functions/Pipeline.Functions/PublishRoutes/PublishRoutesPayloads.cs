using System.Text.Json.Serialization;
using Pipeline.Core.Routing;

namespace Pipeline.Functions.PublishRoutes;

/// <summary>
/// Publish the routes the registry describes. With <see cref="Service"/>, <see cref="Label"/> and
/// <see cref="Targets"/> (a deploy whose new targets are healthy), that service is routed to that
/// version, which then becomes live in place of <see cref="PreviousLabel"/>; without them (a
/// republish) every service keeps its live version.
/// </summary>
public sealed record PublishRoutesInput(string? Service, string? Label, IReadOnlyList<RouteTarget>? Targets, string? PreviousLabel = null) : IValidatable
{
    public void Validate()
    {
        var given = new[] { Service is not null, Label is not null, Targets is not null };
        if (given.Any(g => g) && !given.All(g => g))
        {
            throw new InvalidInputException("service, label and targets: give all three (a deploy) or none (a republish)");
        }

        if (Service is not null && string.IsNullOrWhiteSpace(Service))
        {
            throw new InvalidInputException("service: must not be empty");
        }

        if (Label is not null && string.IsNullOrWhiteSpace(Label))
        {
            throw new InvalidInputException("label: must not be empty");
        }

        for (var i = 0; i < (Targets?.Count ?? 0); i++)
        {
            if (Targets![i] is null)
            {
                throw new InvalidInputException($"targets[{i}]: is null");
            }
        }
    }
}

/// <param name="Published">False when the config is unchanged: nothing new was written.</param>
/// <param name="Version">The routes version routers converge on; wait for it in routes/status/.</param>
public sealed record PublishRoutesOutput(bool Published, long Version, string Sha256, string Key, long? PreviousVersion, int Services, int Targets);

[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase)]
[JsonSerializable(typeof(PublishRoutesInput))]
[JsonSerializable(typeof(PublishRoutesOutput))]
public sealed partial class PublishRoutesJson : JsonSerializerContext;
