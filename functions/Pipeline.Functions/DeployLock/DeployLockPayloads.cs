using System.Text.Json.Serialization;

namespace Pipeline.Functions.DeployLock;

/// <summary>Take or give back a service's deploy lock on behalf of one execution.</summary>
/// <param name="Operation"><c>acquire</c> or <c>release</c>.</param>
/// <param name="Owner">The execution's ARN; only the owner can release, acquiring again renews, and a contender
/// asks Step Functions whether it still runs.</param>
/// <param name="LeaseSeconds">For acquire: the state machine's timeout (60 to 43200), the backstop for when the
/// holder's status cannot be read.</param>
/// <param name="StartedAt">For acquire: when the execution started (<c>$$.Execution.StartTime</c>); the lease runs
/// from there, so it ends when the execution must have ended.</param>
public sealed record DeployLockInput(string Operation, string Service, string Owner, int? LeaseSeconds, DateTimeOffset? StartedAt = null)
    : IValidatable
{
    public const string Acquire = "acquire";
    public const string Release = "release";

    public void Validate()
    {
        if (Operation is not (Acquire or Release))
        {
            throw new InvalidInputException($"operation: must be '{Acquire}' or '{Release}', got '{Operation}'");
        }

        RequiredFields.Check((Service, "service"));
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
/// <param name="TakenOverFrom">After an acquire: the ended execution the lock was taken over from, if any.</param>
public sealed record DeployLockOutput(string Name, string Owner, bool Held, DateTimeOffset? ExpiresAt, bool Released, string? TakenOverFrom);

[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase, DefaultIgnoreCondition = JsonIgnoreCondition.Never)]
[JsonSerializable(typeof(DeployLockInput))]
[JsonSerializable(typeof(DeployLockOutput))]
public sealed partial class DeployLockJson : JsonSerializerContext;
