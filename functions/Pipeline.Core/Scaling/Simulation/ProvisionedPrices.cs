namespace Pipeline.Core.Scaling.Simulation;

/// <summary>
/// DynamoDB provisioned capacity prices in us-east-1 (Standard table class), per capacity unit and
/// hour: $0.00065 per WCU-hour and $0.00013 per RCU-hour, i.e. $0.0065 per hour for 10 WCU or for
/// 50 RCU. Sources: https://aws.amazon.com/dynamodb/pricing/provisioned/ and the us-east-1 table
/// quoted from it at https://www.rubydoc.info/gems/dynamo-autoscale/0.3.5/DynamoAutoscale/UnitCost
/// (read: $0.0065 per 50 units, write: $0.0065 per 10 units).
/// </summary>
public static class ProvisionedPrices
{
    public const double ReadCapacityUnitHour = 0.0065 / 50;
    public const double WriteCapacityUnitHour = 0.0065 / 10;
}
