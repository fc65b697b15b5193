'use strict';
// DynamoDB by logical table name. The pipeline passes each declared table's physical name as
// <TABLE>_TABLE (orders -> ORDERS_TABLE, line-items -> LINE_ITEMS_TABLE), so no code types the
// stack's prefix. Credentials come from the SDK's standard chain (instance role on EC2, the local
// stack's keys locally) and the endpoint from AWS_ENDPOINT_URL_DYNAMODB when set.
const { DynamoDBClient, DescribeTableCommand } = require('@aws-sdk/client-dynamodb');
const { DynamoDBDocumentClient, GetCommand, PutCommand, DeleteCommand, ScanCommand } = require('@aws-sdk/lib-dynamodb');

const tableVariable = (logical) => `${logical.toUpperCase().replace(/[^A-Z0-9]/g, '_')}_TABLE`;

function physicalName(logical, env) {
  const name = env[tableVariable(logical)];
  if (name) return name;
  throw new Error(`table ${logical}: ${tableVariable(logical)} is not set; the pipeline sets it for every table service.yaml declares`);
}

function tables(logicalNames, { env = process.env, client } = {}) {
  const names = Object.fromEntries(logicalNames.map((logical) => [logical, physicalName(logical, env)]));
  const raw = client ?? new DynamoDBClient({ region: env.AWS_REGION || env.AWS_DEFAULT_REGION || 'us-east-1' });
  const documents = DynamoDBDocumentClient.from(raw, { marshallOptions: { removeUndefinedValues: true } });
  return {
    names,
    client: documents,
    // A table of documents keyed by one attribute, the shape most services start with.
    table(logical, keyName) {
      const TableName = names[logical];
      if (!TableName) throw new Error(`table ${logical}: not among this service's tables (${Object.keys(names).join(', ')})`);
      return {
        name: TableName,
        async get(id) { return (await documents.send(new GetCommand({ TableName, Key: { [keyName]: id } }))).Item ?? null; },
        async put(item) { await documents.send(new PutCommand({ TableName, Item: item })); return item; },
        async delete(id) { await documents.send(new DeleteCommand({ TableName, Key: { [keyName]: id } })); },
        async list(limit = 100) { return (await documents.send(new ScanCommand({ TableName, Limit: limit }))).Items ?? []; },
      };
    },
    // Readiness: every table answers DescribeTable and is ACTIVE.
    async check() {
      const entries = await Promise.all(Object.entries(names).map(async ([logical, TableName]) => {
        try {
          const { Table } = await raw.send(new DescribeTableCommand({ TableName }));
          return [logical, Table?.TableStatus ?? 'UNKNOWN'];
        } catch (error) {
          return [logical, `${error.name}: ${error.message}`];
        }
      }));
      const states = Object.fromEntries(entries);
      return { ready: Object.values(states).every((s) => s === 'ACTIVE' || s === 'UPDATING'), tables: states };
    },
    destroy() { raw.destroy?.(); },
  };
}

module.exports = { tables, tableVariable, physicalName };
