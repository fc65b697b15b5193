using Pipeline.States;
using Pipeline.States.Integrations;

namespace Pipeline.Local.Aws.ELBv2;

/// <summary><c>arn:aws:states:::aws-sdk:elasticloadbalancingv2:*</c> on the local target groups.</summary>
public sealed class TargetGroupsIntegration(ElasticLoadBalancingV2Integration elb) : ITaskIntegration
{
    public const string Pattern = ElasticLoadBalancingV2Integration.ResourcePrefix + "*";

    public Task<JsonNode?> InvokeAsync(TaskInvocation invocation, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(invocation);
        try
        {
            return Task.FromResult<JsonNode?>(elb.Invoke(invocation.Resource, invocation.Input));
        }
        catch (PipelineException e)
        {
            throw new StatesException(e.ErrorType, e.Message);
        }
    }
}
