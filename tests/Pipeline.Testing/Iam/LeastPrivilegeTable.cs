namespace Pipeline.Testing.Iam;

/// <summary>
/// The AWS actions each role of the stack needs, kept by hand and checked both ways:
/// against what really happens (the functions' recorded calls, the state machine's Task
/// resources) and against what template.yaml grants after the SAM transform
/// (tests/Pipeline.Template.Tests). A change in either that is not made here fails a test.
/// </summary>
public static class LeastPrivilegeTable
{
    /// <summary>Managed policies SAM attaches to every function role: logs and X-Ray writes, nothing else.</summary>
    public static IReadOnlySet<string> AllowedManagedPolicies { get; } = new HashSet<string>(StringComparer.Ordinal)
    {
        "arn:aws:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole",
        "arn:aws:iam::aws:policy/AWSXrayWriteOnlyAccess",
    };

    public static IReadOnlyDictionary<string, IReadOnlySet<string>> Roles { get; } = new Dictionary<string, IReadOnlySet<string>>(StringComparer.Ordinal)
    {
        ["NormalizeTriggerFunction"] = Set(),
        ["GitHubWebhookFunction"] = Set("secretsmanager:GetSecretValue", "states:StartExecution", "states:DescribeExecution"),
        ["ReportCommitStatusFunction"] = Set("secretsmanager:GetSecretValue", "states:DescribeExecution"),
        ["DeployLockFunction"] = Set("dynamodb:PutItem", "dynamodb:DeleteItem", "states:DescribeExecution"),
        ["RecordVersionFunction"] = Set(
            "dynamodb:GetItem", "dynamodb:PutItem", "dynamodb:UpdateItem", "dynamodb:Query",
            "s3:GetObject", "s3:PutObject", "s3:ListBucket"),
        ["ResolveVersionFunction"] = Set("dynamodb:GetItem", "dynamodb:Query"),
        ["ProvisionTablesFunction"] = Set(
            "dynamodb:GetItem", "dynamodb:PutItem", "dynamodb:Query",
            "dynamodb:CreateTable", "dynamodb:DescribeTable", "dynamodb:UpdateTable", "dynamodb:TagResource"),
        ["RoutesConvergedFunction"] = Set("s3:GetObject", "s3:ListBucket"),
        ["LaunchInstancesFunction"] = Set(
            "dynamodb:GetItem", "dynamodb:Query",
            "ec2:RunInstances", "ec2:CreateTags", "ec2:DescribeInstances", "ec2:TerminateInstances", "iam:PassRole",
            // Only when the operator's launch template resolves its AMI from SSM, or encrypts volumes with their own key.
            "ssm:GetParameters", "kms:Decrypt", "kms:DescribeKey", "kms:GenerateDataKeyWithoutPlaintext", "kms:ReEncryptFrom",
            "kms:ReEncryptTo", "kms:CreateGrant"),
        ["PublishRoutesFunction"] = Set(
            "dynamodb:GetItem", "dynamodb:PutItem", "dynamodb:UpdateItem", "dynamodb:DeleteItem", "dynamodb:Query",
            "s3:GetObject", "s3:PutObject", "s3:ListBucket"),
        ["RetireVersionFunction"] = Set(
            "dynamodb:GetItem", "dynamodb:PutItem", "dynamodb:UpdateItem", "dynamodb:Query",
            "ec2:DescribeInstances", "ec2:TerminateInstances"),
        ["RollbackFunction"] = Set(
            "dynamodb:GetItem", "dynamodb:PutItem", "dynamodb:UpdateItem", "dynamodb:DeleteItem", "dynamodb:Query",
            "s3:GetObject", "s3:PutObject", "s3:ListBucket",
            "ec2:DescribeInstances", "ec2:TerminateInstances"),
        ["ScaleTablesFunction"] = Set(
            "dynamodb:GetItem", "dynamodb:PutItem", "dynamodb:UpdateItem", "dynamodb:Query",
            "dynamodb:DescribeTable", "dynamodb:UpdateTable", "cloudwatch:GetMetricData"),
        // The router agent's calls (routes/haproxy/* read, routes/status/* write, the pointer's listing) and its layer at boot.
        ["Router"] = Set("s3:GetObject", "s3:PutObject", "s3:ListBucket", "lambda:GetLayerVersion"),
        ["DeployServiceStateMachine"] = Set(
            "lambda:InvokeFunction",
            "codebuild:StartBuild", "codebuild:StopBuild", "codebuild:BatchGetBuilds",
            "events:PutTargets", "events:PutRule", "events:DescribeRule",
            "elasticloadbalancing:CreateTargetGroup", "elasticloadbalancing:AddTags",
            "elasticloadbalancing:ModifyTargetGroupAttributes", "elasticloadbalancing:DeleteTargetGroup",
            "elasticloadbalancing:RegisterTargets", "elasticloadbalancing:DeregisterTargets",
            "elasticloadbalancing:DescribeTargetGroups", "elasticloadbalancing:DescribeTargetHealth",
            // A rule on the health-check listener per version's group: ELB checks only groups a load balancer uses.
            "elasticloadbalancing:CreateRule", "elasticloadbalancing:DeleteRule", "elasticloadbalancing:DescribeRules",
            // Vended logs to CloudWatch Logs (Logging) and X-Ray (Tracing), as the Step Functions guide lists them.
            "logs:CreateLogDelivery", "logs:GetLogDelivery", "logs:UpdateLogDelivery", "logs:DeleteLogDelivery",
            "logs:ListLogDeliveries", "logs:PutResourcePolicy", "logs:DescribeResourcePolicies", "logs:DescribeLogGroups",
            "xray:PutTraceSegments", "xray:PutTelemetryRecords", "xray:GetSamplingRules", "xray:GetSamplingTargets"),
    };

    /// <summary>
    /// Actions a function needs that no call of its own names, so no recording can show them:
    /// s3:ListBucket makes a missing key answer 404 NoSuchKey instead of 403 AccessDenied (a
    /// missing build output must read as missing), and CreateTable with Tags is also authorized as
    /// dynamodb:TagResource.
    /// </summary>
    public static IReadOnlyDictionary<string, IReadOnlySet<string>> ImpliedByOtherCalls { get; } =
        new Dictionary<string, IReadOnlySet<string>>(StringComparer.Ordinal)
        {
            ["RecordVersionFunction"] = Set("s3:ListBucket"),
            ["ProvisionTablesFunction"] = Set("dynamodb:TagResource"),
        };

    /// <summary>
    /// Actions a role may hold on <c>*</c> without a condition: those with no resource-level
    /// permissions at all (IAM service authorization reference), all of them reads or log delivery.
    /// </summary>
    public static IReadOnlySet<string> NoResourceLevelPermissions { get; } = Set(
        "ec2:DescribeInstances", "cloudwatch:GetMetricData",
        "elasticloadbalancing:DescribeTargetGroups", "elasticloadbalancing:DescribeTargetHealth", "elasticloadbalancing:DescribeRules",
        "logs:CreateLogDelivery", "logs:GetLogDelivery", "logs:UpdateLogDelivery", "logs:DeleteLogDelivery",
        "logs:ListLogDeliveries", "logs:PutResourcePolicy", "logs:DescribeResourcePolicies", "logs:DescribeLogGroups",
        "xray:PutTraceSegments", "xray:PutTelemetryRecords", "xray:GetSamplingRules", "xray:GetSamplingTargets");

    private static HashSet<string> Set(params string[] actions) => new(actions, StringComparer.Ordinal);
}
