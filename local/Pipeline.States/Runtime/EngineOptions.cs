using Pipeline.States.Integrations;

namespace Pipeline.States.Runtime;

/// <summary>How executions run: which integrations serve Task resources and how long waits really last.</summary>
public sealed record EngineOptions
{
    public TaskIntegrationRegistry Integrations { get; init; } = new();

    /// <summary>
    /// Multiplies every Wait and Retry delay, like Step Functions Local's wait-time scale:
    /// 1 waits as written, 0.01 waits a hundredth, 0 does not wait at all.
    /// </summary>
    public double WaitTimeScale { get; init; } = 1.0;

    /// <summary>The largest state input or output, in UTF-8 bytes of JSON, before States.DataLimitExceeded (256 KiB on AWS).</summary>
    public int PayloadLimitBytes { get; init; } = 256 * 1024;

    public TimeProvider Clock { get; init; } = TimeProvider.System;

    public string Region { get; init; } = "us-east-1";

    public string Account { get; init; } = "123456789012";
}

/// <summary>The identity of one execution, as the context object and the API report it.</summary>
public sealed record ExecutionIdentity(string StateMachineArn, string StateMachineName, string ExecutionArn, string ExecutionName, DateTimeOffset StartTime, string RoleArn)
{
    public static ExecutionIdentity Local(string stateMachineName, string executionName, DateTimeOffset startTime, string region = "us-east-1", string account = "123456789012") =>
        new($"arn:aws:states:{region}:{account}:stateMachine:{stateMachineName}",
            stateMachineName,
            $"arn:aws:states:{region}:{account}:execution:{stateMachineName}:{executionName}",
            executionName,
            startTime,
            $"arn:aws:iam::{account}:role/StepFunctionsLocal");
}

public enum ExecutionStatus
{
    Running,
    Succeeded,
    Failed,
    TimedOut,
    Aborted,
}

/// <summary>How an execution ended.</summary>
public sealed record ExecutionResult(ExecutionStatus Status, System.Text.Json.Nodes.JsonNode? Output, string? Error, string? Cause);
