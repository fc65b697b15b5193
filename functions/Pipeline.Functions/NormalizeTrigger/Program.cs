using System.Text.Json;
using Pipeline.Core.Triggers;
using Pipeline.Lambda;

namespace Pipeline.Functions.NormalizeTrigger;

internal static class Program
{
    public static Task<int> Main() => LambdaRuntime.RunAsync(
        () => Task.FromResult<IFunctionHandler<JsonElement, PipelineRequest>>(new Handler(
            new TriggerNormalizer(TriggerSettings.FromEnvironment(
                Environment.GetEnvironmentVariable("PIPELINE_DEPLOY_BRANCH"), Environment.GetEnvironmentVariable("AWS_REGION"))))),
        PipelineJson.Default.JsonElement,
        PipelineJson.Default.PipelineRequest);
}
