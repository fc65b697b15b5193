namespace Pipeline.Local.Aws.CloudFormation;

/// <summary>
/// A Lambda function with Globals merged in and every intrinsic resolved. <paramref name="BuildMethod"/>
/// is its <c>Metadata.BuildMethod</c> (see <see cref="PublishedFunctions"/>).
/// </summary>
public sealed record FunctionDescription(
    string LogicalId,
    string Name,
    string Arn,
    string Handler,
    string? CodeUri,
    string Runtime,
    int TimeoutSeconds,
    int MemorySize,
    IReadOnlyList<string> Architectures,
    IReadOnlyDictionary<string, string> Environment,
    IReadOnlyList<EventRuleDescription> Events,
    string? BuildMethod = null)
{
    /// <summary>The AuthType of the function's URL (SAM's FunctionUrlConfig), or null when it has none.</summary>
    public string? FunctionUrlAuthType { get; init; }
}

/// <summary>A state machine: where its definition is and what to substitute into it.</summary>
public sealed record StateMachineDescription(
    string LogicalId,
    string Name,
    string Arn,
    string Type,
    string? DefinitionUri,
    JsonObject? Definition,
    IReadOnlyDictionary<string, string> DefinitionSubstitutions,
    IReadOnlyList<EventRuleDescription> Events);

/// <summary>
/// An EventBridge rule: either an <c>AWS::Events::Rule</c>, or one that SAM generates from a
/// function's or state machine's Events entry (then <see cref="LogicalId"/> is
/// <c>{Owner}{EventName}</c>, as SAM names it).
/// </summary>
public sealed record EventRuleDescription(
    string LogicalId,
    string Name,
    string? ScheduleExpression,
    JsonObject? EventPattern,
    string EventBusName,
    bool Enabled,
    IReadOnlyList<RuleTargetDescription> Targets)
{
    public bool IsSchedule => ScheduleExpression is not null;
}

/// <summary>A rule target: an ARN and how the event becomes the target's input.</summary>
public sealed record RuleTargetDescription(string Id, string Arn, JsonNode? Input, string? InputPath, string? RoleArn);

/// <summary>A DynamoDB table the template declares, with its resolved properties.</summary>
public sealed record TableDescription(string LogicalId, string Name, string Arn, JsonObject Properties);

/// <summary>An S3 bucket the template declares.</summary>
public sealed record BucketDescription(string LogicalId, string Name, string Arn);

/// <summary>A CodeBuild project the template declares (its Name, else the logical id).</summary>
public sealed record BuildProjectDescription(string LogicalId, string Name, string Arn);

/// <param name="Arn">What <c>!Ref</c> of the secret gives, as on AWS.</param>
public sealed record SecretDescription(string LogicalId, string Name, string Arn);

/// <summary>An ELBv2 listener the template declares, by the ARN its Ref gives.</summary>
public sealed record ListenerDescription(string LogicalId, string Arn);
