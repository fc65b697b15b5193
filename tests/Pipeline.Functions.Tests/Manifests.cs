namespace Pipeline.Functions.Tests;

/// <summary>service.yaml variants the tests record.</summary>
internal static class Manifests
{
    public const string Orders = """
        name: orders
        port: 8080
        routes: [ { pathPrefix: /orders } ]
        label: 1.4.${COUNT}-${git[:7]}
        build: { artifact: dist/orders.zip }
        tables:
          - name: orders
            partitionKey: { name: orderId, type: S }
            indexes:
              - { name: by-customer, partitionKey: { name: customerId, type: S }, sortKey: { name: createdAt, type: N } }
            capacity: { read: { min: 2, max: 50 }, write: { min: 1, max: 20 } }
          - name: events
            partitionKey: { name: orderId, type: S }
            sortKey: { name: at, type: N }
            capacity: onDemand
        """;

    public static string With(string from, string to) => Orders.Replace(from, to, StringComparison.Ordinal);
}
