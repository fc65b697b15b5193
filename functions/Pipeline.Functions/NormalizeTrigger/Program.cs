using System.Text.Json;
using Pipeline.Core.Triggers;
using Pipeline.Lambda;

namespace Pipeline.Functions.NormalizeTrigger;

internal static class Program
{
    public static Task<int> Main() => LambdaRuntime.RunAsync(
        () => Task.FromResult<IFunctionHandler<JsonElement, PipelineRequest>>(new Handler(
            new TriggerNormalizer(TriggerSettings.FromDeployBranch(Environment.GetEnvironmentVariable("PIPELINE_DEPLOY_BRANCH"))))),
        PipelineJson.Default.JsonElement,
        PipelineJson.Default.PipelineRequest);
}
