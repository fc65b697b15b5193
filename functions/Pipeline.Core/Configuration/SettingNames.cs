namespace Pipeline.Core.Configuration;

/// <summary>
/// The environment variables template.yaml gives the functions, by name: the one place a name is
/// spelled (the template stays the source of truth for their values; FunctionSettingsTests checks
/// that each function reads only what its template entry declares).
/// </summary>
public static class SettingNames
{
    public const string StackName = "PIPELINE_STACK_NAME";
    public const string DeployBranch = "PIPELINE_DEPLOY_BRANCH";
    public const string TablePrefix = "PIPELINE_TABLE_PREFIX";
    public const string RegistryTable = "PIPELINE_REGISTRY_TABLE";
    public const string ArtifactBucket = "PIPELINE_ARTIFACT_BUCKET";
    public const string RoutesBucket = "PIPELINE_ROUTES_BUCKET";
    public const string RouterPort = "PIPELINE_ROUTER_PORT";
    public const string RouterRuntimeSocket = "PIPELINE_ROUTER_RUNTIME_SOCKET";
    public const string RouterUser = "PIPELINE_ROUTER_USER";
    public const string RouterGroup = "PIPELINE_ROUTER_GROUP";
    public const string MinRouters = "PIPELINE_MIN_ROUTERS";
    public const string RouterMissedPolls = "PIPELINE_ROUTER_MISSED_POLLS";
    public const string GitHubOwner = "PIPELINE_GITHUB_OWNER";
    public const string WebhookSecretArn = "PIPELINE_WEBHOOK_SECRET_ARN";
    public const string DeployStateMachineArn = "PIPELINE_DEPLOY_STATE_MACHINE_ARN";
    public const string GitHubTokenSecretArn = "PIPELINE_GITHUB_TOKEN_SECRET_ARN";
    public const string LaunchTemplateId = "PIPELINE_LAUNCH_TEMPLATE_ID";
    public const string SubnetIds = "PIPELINE_SUBNET_IDS";
    public const string InstanceSecurityGroup = "PIPELINE_INSTANCE_SECURITY_GROUP";
    public const string InstanceProfileArn = "PIPELINE_INSTANCE_PROFILE_ARN";

    /// <summary>The stack's token issuer, passed on to every instance under the same names (<see cref="AuthIssuerSettings"/>).</summary>
    public const string AuthIssuer = AuthIssuerSettings.IssuerVariable;
    public const string AuthJwksUrl = AuthIssuerSettings.JwksUrlVariable;

    /// <summary>Set by Lambda itself, not by the template.</summary>
    public const string Region = "AWS_REGION";

    /// <summary>Local-only: the address the published HAProxy front end binds (127.0.0.1 on one machine); <c>*</c> without it.</summary>
    public const string RouterBind = "PIPELINE_ROUTER_BIND";

    /// <summary>Local-only: the GitHub REST API's base URL (the local stand-in); <c>https://api.github.com</c> without it.</summary>
    public const string GitHubApiUrl = "PIPELINE_GITHUB_API_URL";

    /// <summary>Local-only: what a commit status links a run with (the prefix of its execution ARN); the Step Functions console without it.</summary>
    public const string ExecutionLinkPrefix = "PIPELINE_EXECUTION_LINK_PREFIX";

    /// <summary>Local-only: the composer's loopback port (its calls frontend takes the next one); 8091 without it.</summary>
    public const string ComposerPort = "PIPELINE_ROUTER_COMPOSER_PORT";
}
