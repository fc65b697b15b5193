using Amazon.DynamoDBv2;
using Amazon.DynamoDBv2.Model;
using Pipeline.Core.Scaling;
using CoreBillingMode = Pipeline.Core.Scaling.BillingMode;
using CoreTableDescription = Pipeline.Core.Scaling.TableDescription;

namespace Pipeline.Aws.Scaling;

/// <summary>DescribeTable and UpdateTable of provisioned throughput through AWSSDK.DynamoDBv2.</summary>
public sealed class DynamoDbTableCapacity(IAmazonDynamoDB dynamo) : ITableCapacity
{
    public async Task<CoreTableDescription?> DescribeAsync(string table, CancellationToken cancellationToken)
    {
        Amazon.DynamoDBv2.Model.TableDescription description;
        try
        {
            description = (await dynamo.DescribeTableAsync(new DescribeTableRequest { TableName = table }, cancellationToken)).Table;
        }
        catch (ResourceNotFoundException)
        {
            return null;
        }

        var billing = description.BillingModeSummary?.BillingMode == Amazon.DynamoDBv2.BillingMode.PAY_PER_REQUEST
            ? CoreBillingMode.PayPerRequest
            : CoreBillingMode.Provisioned;
        var targets = new List<TargetDescription> { Target(null, description.TableStatus?.Value, description.ProvisionedThroughput) };
        foreach (var index in description.GlobalSecondaryIndexes ?? [])
        {
            targets.Add(Target(index.IndexName, index.IndexStatus?.Value, index.ProvisionedThroughput));
        }

        return new CoreTableDescription(table, billing, Status(description.TableStatus?.Value), targets);
    }

    public async Task<UpdateOutcome> UpdateAsync(string table, string? index, Throughput capacity, CancellationToken cancellationToken)
    {
        var throughput = new ProvisionedThroughput { ReadCapacityUnits = capacity.Read, WriteCapacityUnits = capacity.Write };
        var request = index is null
            ? new UpdateTableRequest { TableName = table, ProvisionedThroughput = throughput }
            : new UpdateTableRequest
            {
                TableName = table,
                GlobalSecondaryIndexUpdates =
                [
                    new GlobalSecondaryIndexUpdate
                    {
                        Update = new UpdateGlobalSecondaryIndexAction { IndexName = index, ProvisionedThroughput = throughput },
                    },
                ],
            };
        try
        {
            await dynamo.UpdateTableAsync(request, cancellationToken);
            return UpdateOutcome.Applied;
        }
        catch (LimitExceededException)
        {
            return UpdateOutcome.LimitExceeded;
        }
        catch (ResourceInUseException)
        {
            return UpdateOutcome.ResourceInUse;
        }
        catch (ResourceNotFoundException)
        {
            return UpdateOutcome.NotFound;
        }
    }

    private static TargetDescription Target(string? index, string? status, ProvisionedThroughputDescription? throughput) => new(
        index,
        Status(status),
        new Throughput(throughput?.ReadCapacityUnits ?? 0, throughput?.WriteCapacityUnits ?? 0),
        (int)(throughput?.NumberOfDecreasesToday ?? 0),
        throughput?.LastDecreaseDateTime is { } last ? Utc(last) : null);

    private static DateTimeOffset Utc(DateTime time) =>
        new(time.Kind == DateTimeKind.Unspecified ? DateTime.SpecifyKind(time, DateTimeKind.Utc) : time.ToUniversalTime());

    private static ThroughputStatus Status(string? status) => status switch
    {
        "ACTIVE" => ThroughputStatus.Active,
        "UPDATING" => ThroughputStatus.Updating,
        _ => ThroughputStatus.Other,
    };
}
