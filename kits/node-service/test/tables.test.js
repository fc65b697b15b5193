'use strict';
const { test, before, after } = require('node:test');
const assert = require('node:assert');
const path = require('node:path');
const { tables, tableVariable } = require('..');

test('logical names map to the variables the pipeline sets', () => {
  assert.strictEqual(tableVariable('orders'), 'ORDERS_TABLE');
  assert.strictEqual(tableVariable('line-items'), 'LINE_ITEMS_TABLE');
});

test('a table without its variable is refused naming the variable', () => {
  assert.throws(() => tables(['line-items'], { env: {} }), /LINE_ITEMS_TABLE is not set/);
});

// A round trip through the real SDK against dynalite, the local stack's DynamoDB, when installed.
let dynalite;
try { dynalite = require(path.join(__dirname, '../../../local/emulators/node_modules/dynalite')); } catch { dynalite = null; }
let server;
let env;
before(async () => {
  if (!dynalite) return;
  server = dynalite({ createTableMs: 0 });
  await new Promise((r) => server.listen(0, '127.0.0.1', r));
  env = { AWS_REGION: 'us-east-1', AWS_ACCESS_KEY_ID: 'k', AWS_SECRET_ACCESS_KEY: 's',
    AWS_ENDPOINT_URL_DYNAMODB: `http://127.0.0.1:${server.address().port}`, WIDGETS_TABLE: 'test.widgets.widgets' };
});
after(() => server?.close());

test('items round-trip and readiness follows the table', { skip: !dynalite && 'dynalite is not installed (npm ci in local/emulators)' }, async () => {
  const saved = { ...process.env };
  Object.assign(process.env, env); // the SDK's endpoint and credential chain read the process environment
  try {
    const db = tables(['widgets'], { env });
    assert.deepStrictEqual((await db.check()).ready, false);
    const { CreateTableCommand } = require('@aws-sdk/client-dynamodb');
    const { DynamoDBClient } = require('@aws-sdk/client-dynamodb');
    const admin = new DynamoDBClient({ region: 'us-east-1' });
    await admin.send(new CreateTableCommand({ TableName: 'test.widgets.widgets', BillingMode: 'PAY_PER_REQUEST',
      AttributeDefinitions: [{ AttributeName: 'id', AttributeType: 'S' }], KeySchema: [{ AttributeName: 'id', KeyType: 'HASH' }] }));
    assert.deepStrictEqual(await db.check(), { ready: true, tables: { widgets: 'ACTIVE' } });
    const widgets = db.table('widgets', 'id');
    await widgets.put({ id: 'w1', name: 'sprocket', sizes: [1, 2] });
    assert.deepStrictEqual(await widgets.get('w1'), { id: 'w1', name: 'sprocket', sizes: [1, 2] });
    assert.deepStrictEqual(await widgets.list(), [{ id: 'w1', name: 'sprocket', sizes: [1, 2] }]);
    assert.strictEqual(await widgets.get('w2'), null);
    db.destroy(); admin.destroy();
  } finally {
    process.env = saved;
  }
});
