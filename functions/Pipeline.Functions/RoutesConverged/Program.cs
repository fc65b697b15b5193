using Pipeline.Aws;
using Pipeline.Aws.Deploy;
using Pipeline.Core.Deploy;
using Pipeline.Core.Configuration;
using Pipeline.Functions.RoutesConverged;

return await LambdaRuntime.RunAsync(
    ConvergenceSettings.From,
    settings => new RoutesConvergedHandler(
        new RouterConvergence(
            new S3RouterStatusSource(AwsClients.S3(), settings.RoutesBucket),
            new RouterLiveness(settings.MissedPolls),
            TimeProvider.System),
        settings.MinRouters),
    RoutesConvergedJson.Default.RoutesConvergedInput,
    RoutesConvergedJson.Default.ConvergenceResult,
    classifyErrors: TransientErrors.Classify);
