using System.Text.Json.Serialization;
using Pipeline.Core.Errors;
using Pipeline.Lambda;

namespace Pipeline.Functions.DeployLock;

/// <summary>Take or give back a service's deploy lock on behalf of one execution.</summary>
/// <param name="Operation"><c>acquire</c> or <c>release</c>.</param>
/// <param name="Owner">The execution id; only the owner can release, and acquiring again renews.</param>
/// <param name="LeaseSeconds">For acquire: how long the lock holds unless released (60 to 43200).</param>
public sealed record DeployLockInput(string Operation, string Service, string Owner, int? LeaseSeconds) : IValidatable
{
    public const string Acquire = "acquire";
    public const string Release = "release";

    public void Validate()
    {
        if (Operation is not (Acquire or Release))
        {
            throw new InvalidInputException($"operation: must be '{Acquire}' or '{Release}', got '{Operation}'");
        }

        if (string.IsNullOrWhiteSpace(Service))
        {
            throw new InvalidInputException("service: is required");
        }

        if (string.IsNullOrWhiteSpace(Owner))
        {
            throw new InvalidInputException("owner: is required (the execution id)");
        }

        if (Operation == Acquire && LeaseSeconds is null)
        {
            throw new InvalidInputException("leaseSeconds: is required to acquire");
        }
    }
}

/// <param name="Held">True after a successful acquire.</param>
/// <param name="ExpiresAt">When the lease ends unless released; null after a release.</param>
/// <param name="Released">True when a release removed the owner's lock; false when it no longer held it.</param>
public sealed record DeployLockOutput(string Name, string Owner, bool Held, DateTimeOffset? ExpiresAt, bool Released);

[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase, DefaultIgnoreCondition = JsonIgnoreCondition.Never)]
[JsonSerializable(typeof(DeployLockInput))]
[JsonSerializable(typeof(DeployLockOutput))]
public sealed partial class DeployLockJson : JsonSerializerContext;
