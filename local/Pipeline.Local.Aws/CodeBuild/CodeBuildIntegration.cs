using Pipeline.Local.Aws.CodeBuild;
using Pipeline.States;
using Pipeline.States.Integrations;

namespace Pipeline.Local.Aws.CodeBuild;

/// <summary>
/// <c>arn:aws:states:::codebuild:startBuild.sync</c> on the local build runner. A failed build fails
/// the task as Step Functions does (States.TaskFailed), with the failing phase and the log tail in the Cause.
/// </summary>
internal sealed class CodeBuildIntegration(IBuildService builds) : ITaskIntegration
{
    public const string Resource = "arn:aws:states:::codebuild:startBuild.sync";

    public async Task<JsonNode?> InvokeAsync(TaskInvocation invocation, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(invocation);
        try
        {
            var run = await builds.StartBuildSyncAsync(StartBuildRequest.FromJson(invocation.Input), cancellationToken);
            return run.Succeeded ? run.ToTaskOutput() : throw new StatesException(StatesErrors.TaskFailed, run.FailureCause());
        }
        catch (PipelineException e)
        {
            throw new StatesException(e.ErrorType, e.Message);
        }
    }
}
