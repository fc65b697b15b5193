'use strict';
// A DynamoDB client over fetch and the JSON 1.0 protocol, signed with SigV4 from node's crypto:
// the service needs no npm package at runtime. The endpoint comes from AWS_ENDPOINT_URL_DYNAMODB
// (dynalite locally) or the regional AWS endpoint; credentials from the standard variables.
const crypto = require('node:crypto');

const hmac = (key, text) => crypto.createHmac('sha256', key).update(text, 'utf8').digest();
const sha256 = (text) => crypto.createHash('sha256').update(text, 'utf8').digest('hex');

function sign({ url, body, target, region, accessKeyId, secretAccessKey, sessionToken, now = new Date() }) {
  const amzDate = now.toISOString().replace(/[:-]|\.\d{3}/g, '');
  const day = amzDate.slice(0, 8);
  const headers = {
    'content-type': 'application/x-amz-json-1.0',
    host: url.host,
    'x-amz-date': amzDate,
    'x-amz-target': target,
  };
  if (sessionToken) headers['x-amz-security-token'] = sessionToken;
  const names = Object.keys(headers).sort();
  const canonical = ['POST', url.pathname || '/', '', ...names.map((n) => `${n}:${headers[n]}`), '', names.join(';'), sha256(body)].join('\n');
  const scope = `${day}/${region}/dynamodb/aws4_request`;
  const toSign = ['AWS4-HMAC-SHA256', amzDate, scope, sha256(canonical)].join('\n');
  const key = ['dynamodb', 'aws4_request'].reduce((k, part) => hmac(k, part), hmac(hmac(`AWS4${secretAccessKey}`, day), region));
  const signature = crypto.createHmac('sha256', key).update(toSign, 'utf8').digest('hex');
  headers.authorization = `AWS4-HMAC-SHA256 Credential=${accessKeyId}/${scope}, SignedHeaders=${names.join(';')}, Signature=${signature}`;
  return headers;
}

function client(env = process.env) {
  const region = env.AWS_REGION || 'us-east-1';
  const url = new URL(env.AWS_ENDPOINT_URL_DYNAMODB || `https://dynamodb.${region}.amazonaws.com/`);
  return async function call(operation, request) {
    const body = JSON.stringify(request);
    const headers = sign({
      url, body, target: `DynamoDB_20120810.${operation}`, region,
      accessKeyId: env.AWS_ACCESS_KEY_ID || 'local', secretAccessKey: env.AWS_SECRET_ACCESS_KEY || 'local',
      sessionToken: env.AWS_SESSION_TOKEN,
    });
    delete headers.host;
    const response = await fetch(url, { method: 'POST', headers, body });
    const text = await response.text();
    const json = text ? JSON.parse(text) : {};
    if (!response.ok) {
      const error = new Error(`${operation}: ${json.__type || response.status}: ${json.message || json.Message || text}`);
      error.status = response.status;
      throw error;
    }
    return json;
  };
}

// A table of JSON documents keyed by one string attribute.
function table(name, keyName, call = client()) {
  return {
    async get(id) {
      const { Item } = await call('GetItem', { TableName: name, Key: { [keyName]: { S: id } } });
      return Item ? JSON.parse(Item.doc.S) : null;
    },
    async put(id, doc) {
      await call('PutItem', { TableName: name, Item: { [keyName]: { S: id }, doc: { S: JSON.stringify(doc) } } });
    },
    async list() {
      const { Items = [] } = await call('Scan', { TableName: name, Limit: 100 });
      return Items.map((i) => JSON.parse(i.doc.S));
    },
  };
}

module.exports = { sign, client, table };
