'use strict';
// A round trip through the real table client against a local DynamoDB (the local stack's, or
// dynalite), when AWS_ENDPOINT_URL_DYNAMODB names one that answers; skipped otherwise.
const { test } = require('node:test');
const assert = require('node:assert');
const crypto = require('node:crypto');
const { tables } = require('@pipeline/service-kit');

const endpoint = process.env.AWS_ENDPOINT_URL_DYNAMODB;

async function reachable() {
  if (!endpoint || !/^http:\/\/(127\.0\.0\.1|localhost)[:/]/.test(endpoint)) return false;
  try { await fetch(endpoint, { signal: AbortSignal.timeout(1000) }); return true; } catch { return false; }
}

test('an item put in the table is read back', async (t) => {
  if (!(await reachable())) return t.skip('no local DynamoDB at AWS_ENDPOINT_URL_DYNAMODB');
  const { DynamoDBClient, CreateTableCommand, DeleteTableCommand } = require('@aws-sdk/client-dynamodb');
  const env = { ...process.env, AWS_REGION: process.env.AWS_REGION || 'us-east-1' };
  const name = `test.__SERVICE__.__TABLE__-${crypto.randomUUID().slice(0, 8)}`;
  const admin = new DynamoDBClient({ region: env.AWS_REGION });
  // A table of its own, created and deleted by this test: never one the pipeline provisions.
  await admin.send(new CreateTableCommand({ TableName: name, BillingMode: 'PAY_PER_REQUEST',
    AttributeDefinitions: [{ AttributeName: 'id', AttributeType: 'S' }], KeySchema: [{ AttributeName: 'id', KeyType: 'HASH' }] }));
  const db = tables(['__TABLE__'], { env: { ...env, __TABLE_VARIABLE__: name } });
  try {
    for (let i = 0; i < 50 && !(await db.check()).ready; i++) await new Promise((r) => setTimeout(r, 100));
    const store = db.table('__TABLE__', 'id');
    await store.put({ id: 'round-trip', name: 'first' });
    assert.deepStrictEqual(await store.get('round-trip'), { id: 'round-trip', name: 'first' });
  } finally {
    db.destroy();
    await admin.send(new DeleteTableCommand({ TableName: name }));
    admin.destroy();
  }
});
