namespace Pipeline.Local.Aws.CloudFormation;

/// <summary>
/// The values AWS itself would give, with the local region and account: ARNs built the way each
/// service builds them, so a definition that compares or parses an ARN behaves the same locally.
/// </summary>
public sealed class LocalAwsResourceValues(StackContext stack) : ILocalResourceValues
{
    public string DefaultPhysicalName(string logicalId, string type) => type switch
    {
        // Bucket names are lowercase DNS labels; the stack name keeps two stacks apart in one s3rver.
        "AWS::S3::Bucket" => $"{stack.StackName}-{logicalId}".ToLowerInvariant(),
        "AWS::DynamoDB::Table" or "AWS::Serverless::SimpleTable" => $"{stack.StackName}-{logicalId}",
        _ => logicalId,
    };

    public string? Ref(ResourceIdentity resource) => resource.Type switch
    {
        "AWS::Serverless::StateMachine" or "AWS::StepFunctions::StateMachine" => StateMachineArn(resource.PhysicalName),
        "AWS::SQS::Queue" => $"https://sqs.{stack.Region}.{StackContext.UrlSuffix}/{stack.AccountId}/{resource.PhysicalName}",
        "AWS::SNS::Topic" => Arn("sns", $"{resource.PhysicalName}"),
        // Secrets Manager appends six random characters to a secret's name in its ARN; locally they are fixed.
        "AWS::SecretsManager::Secret" => Arn("secretsmanager", $"secret:{resource.PhysicalName}-{LocalSecretSuffix}"),
        "AWS::ElasticLoadBalancingV2::LoadBalancer" => LoadBalancerArn(resource.PhysicalName),
        // Listener ARNs nest under their load balancer's; locally the listener's own logical id stands in for both ids.
        "AWS::ElasticLoadBalancingV2::Listener" => Arn("elasticloadbalancing", $"listener/app/{stack.StackName}/local/{resource.PhysicalName}"),
        _ => resource.PhysicalName,
    };

    public string? GetAtt(ResourceIdentity resource, string attribute) => (resource.Type, attribute) switch
    {
        ("AWS::Serverless::Function" or "AWS::Lambda::Function", "Arn") =>
            Arn("lambda", $"function:{resource.PhysicalName}"),
        ("AWS::Serverless::StateMachine" or "AWS::StepFunctions::StateMachine", "Arn") =>
            StateMachineArn(resource.PhysicalName),
        ("AWS::Serverless::StateMachine" or "AWS::StepFunctions::StateMachine", "Name") => resource.PhysicalName,
        ("AWS::S3::Bucket", "Arn") => $"arn:{stack.Partition}:s3:::{resource.PhysicalName}",
        ("AWS::S3::Bucket", "DomainName") => $"{resource.PhysicalName}.s3.{StackContext.UrlSuffix}",
        ("AWS::DynamoDB::Table" or "AWS::Serverless::SimpleTable", "Arn") =>
            Arn("dynamodb", $"table/{resource.PhysicalName}"),
        ("AWS::Events::Rule", "Arn") => Arn("events", $"rule/{resource.PhysicalName}"),
        ("AWS::IAM::Role", "Arn") => $"arn:{stack.Partition}:iam::{stack.AccountId}:role/{resource.PhysicalName}",
        ("AWS::IAM::InstanceProfile", "Arn") => $"arn:{stack.Partition}:iam::{stack.AccountId}:instance-profile/{resource.PhysicalName}",
        ("AWS::Logs::LogGroup", "Arn") => Arn("logs", $"log-group:{resource.PhysicalName}:*"),
        ("AWS::SQS::Queue", "Arn") => Arn("sqs", resource.PhysicalName),
        ("AWS::SQS::Queue", "QueueName") => resource.PhysicalName,
        ("AWS::CodeCommit::Repository", "Arn") => Arn("codecommit", resource.PhysicalName),
        ("AWS::CodeCommit::Repository", "Name") => resource.PhysicalName,
        // The local front port stands where the routers' load balancer would.
        ("AWS::ElasticLoadBalancingV2::LoadBalancer", "DNSName") => "127.0.0.1",
        ("AWS::CodeBuild::Project", "Arn") => Arn("codebuild", $"project/{resource.PhysicalName}"),
        // The URL's shape on AWS (https://<url-id>.lambda-url.<region>.on.aws/); `pipeline status` shows the local endpoint.
        (TemplateEvaluator.FunctionUrlType, "FunctionUrl") => $"https://{resource.PhysicalName.ToLowerInvariant()}.lambda-url.{stack.Region}.on.aws/",
        (TemplateEvaluator.FunctionUrlType, "FunctionArn") => Arn("lambda", $"function:{resource.PhysicalName}"),
        _ => null,
    };

    public const string LocalSecretSuffix = "local0";

    private string LoadBalancerArn(string name) => Arn("elasticloadbalancing", $"loadbalancer/app/{stack.StackName}/{name}");

    private string StateMachineArn(string name) => Arn("states", $"stateMachine:{name}");

    private string Arn(string service, string resource) =>
        $"arn:{stack.Partition}:{service}:{stack.Region}:{stack.AccountId}:{resource}";
}
