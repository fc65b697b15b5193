using Pipeline.Aws.Deploy;
using Pipeline.Core.Deploy;

return await LambdaRuntime.RunAsync(ConvergenceSettings.From, settings => new RoutesConvergedHandler(
        new RouterConvergence(new S3RouterStatusSource(AwsClients.S3(), settings.RoutesBucket), new RouterLiveness(settings.MissedPolls), TimeProvider.System),
        settings.MinRouters),
    RoutesConvergedJson.Default, TransientErrors.Classify);
