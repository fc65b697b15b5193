'use strict';
// The HTTP side of a service: routes with path parameters, the paths every service answers
// (/status, /status/ready, /version), a request id on every request and every log line,
// bearer-token checks per route, and a shutdown that lets in-flight requests finish.
const http = require('node:http');
const crypto = require('node:crypto');
const { createLogger } = require('./log');
const { createAuth, AuthError } = require('./auth');

class HttpError extends Error {
  constructor(status, message) {
    super(message);
    this.status = status;
  }
}

const REQUEST_ID = /^[A-Za-z0-9._:-]{1,128}$/;
const MAX_BODY = 1 << 20;

function compile(path) {
  const names = [];
  const source = path.replace(/\/:([A-Za-z_][A-Za-z0-9_]*)/g, (_, name) => { names.push(name); return '/([^/]+)'; });
  const pattern = new RegExp(`^${source}/?$`);
  return (pathname) => {
    const match = pattern.exec(pathname);
    return match && Object.fromEntries(names.map((n, i) => [n, decodeURIComponent(match[i + 1])]));
  };
}

/**
 * routes: [{ method, path ('/orders/:id'), handler(request) -> { status, body, headers }, public, scopes }].
 * A route needs a bearer token unless it says public: true; scopes are those the token must carry.
 */
function createService({ env = process.env, name = env.PIPELINE_SERVICE || 'service', version = env.PIPELINE_VERSION || 'dev',
  routes = [], versionPaths = [], versionInfo = {}, healthPath = '/status', tables = null, auth = createAuth({ env }),
  log: baseLog = createLogger() } = {}) {
  const log = baseLog.child({ service: name, version });
  // service.yaml's auth.routes, passed as PIPELINE_AUTH_SCOPES: scopes a route needs beyond its code's.
  const declared = env.PIPELINE_AUTH_SCOPES ? JSON.parse(env.PIPELINE_AUTH_SCOPES) : {};
  const compiled = routes.map((route) => {
    const method = route.method.toUpperCase();
    const extra = declared[`${method} ${route.path}`] ?? [];
    const scopes = [...new Set([...(route.scopes ?? []), ...extra])];
    return { ...route, method, scopes, public: route.public && extra.length === 0, match: compile(route.path) };
  });
  const unknown = Object.keys(declared).filter((key) => !compiled.some((r) => `${r.method} ${r.path}` === key));
  const builtIn = new Map([
    [healthPath, async () => ({ status: 200, body: { status: 'ok', service: name } })],
    [`${healthPath}/ready`, async () => {
      const result = tables ? await tables.check() : { ready: true, tables: {} };
      return { status: result.ready ? 200 : 503, body: { status: result.ready ? 'ready' : 'not ready', service: name, tables: result.tables } };
    }],
    ...['/version', ...versionPaths].map((p) => [p, async () => ({ status: 200, body: { service: name, version, ...versionInfo } })]),
  ]);
  if (unknown.length > 0) log.warn('service.yaml auth.routes names routes this code does not have', { routes: unknown });
  let stopping = false;

  const server = http.createServer(async (req, res) => {
    const started = process.hrtime.bigint();
    const given = req.headers['x-request-id'];
    const requestId = typeof given === 'string' && REQUEST_ID.test(given) ? given : crypto.randomUUID();
    const requestLog = log.child({ requestId });
    const url = new URL(req.url, 'http://local');
    const send = (status, body, headers = {}) => {
      res.writeHead(status, { 'content-type': 'application/json', 'x-request-id': requestId, ...(stopping ? { connection: 'close' } : {}), ...headers });
      res.end(body === undefined ? '' : JSON.stringify(body));
      const ms = Number(process.hrtime.bigint() - started) / 1e6;
      requestLog.info('request', { method: req.method, path: url.pathname, status, ms: Math.round(ms * 10) / 10 });
    };
    try {
      const fixed = builtIn.get(url.pathname);
      if (fixed && (req.method === 'GET' || req.method === 'HEAD')) {
        const { status, body } = await fixed();
        return send(status, body);
      }
      const candidates = compiled.map((r) => ({ route: r, params: r.match(url.pathname) })).filter((c) => c.params);
      if (candidates.length === 0) return send(404, { error: `no route for ${url.pathname}` });
      const found = candidates.find((c) => c.route.method === req.method);
      if (!found) {
        return send(405, { error: `${req.method} is not allowed on ${url.pathname}` }, { allow: [...new Set(candidates.map((c) => c.route.method))].join(', ') });
      }
      const { route, params } = found;
      const claims = route.public ? null : await auth.verify(req.headers.authorization, route.scopes);
      const result = await route.handler({
        method: req.method, path: url.pathname, params, query: Object.fromEntries(url.searchParams), headers: req.headers,
        claims, requestId, log: requestLog, json: () => readJson(req),
      });
      return send(result?.status ?? 200, result?.body, result?.headers);
    } catch (error) {
      if (error instanceof AuthError) return send(error.status, { error: error.message }, { 'www-authenticate': error.challenge(name) });
      if (error instanceof HttpError) return send(error.status, { error: error.message });
      requestLog.error('request failed', { error: error.message, stack: error.stack });
      return send(502, { error: error.message });
    }
  });

  return {
    server,
    log,
    listen(port = Number(env.PORT || 8080), host = env.HOST || '0.0.0.0') {
      return new Promise((resolve) => server.listen(port, host, () => {
        log.info('listening', { port: server.address().port });
        resolve(server.address().port);
      }));
    },
    // Stops accepting, lets in-flight requests finish (answering them with Connection: close),
    // and resolves when the last one has, or when graceMs has passed.
    close(graceMs = 10_000) {
      stopping = true;
      return new Promise((resolve) => {
        const timer = setTimeout(() => { server.closeAllConnections(); resolve(false); }, graceMs);
        timer.unref();
        server.close(() => { clearTimeout(timer); resolve(true); });
        server.closeIdleConnections();
      });
    },
    // listen, then on SIGTERM or SIGINT close and exit: before the target group's drain delay ends.
    async start({ graceMs = Number(env.PIPELINE_SHUTDOWN_GRACE_MS || 10_000) } = {}) {
      const port = await this.listen();
      const stop = async (signal) => {
        log.info('stopping', { signal });
        const clean = await this.close(graceMs);
        tables?.destroy?.();
        log.info('stopped', { clean });
        process.exit(0);
      };
      process.once('SIGTERM', stop);
      process.once('SIGINT', stop);
      return port;
    },
  };
}

function readJson(req) {
  return new Promise((resolve, reject) => {
    const chunks = [];
    let size = 0;
    req.on('data', (chunk) => {
      size += chunk.length;
      if (size > MAX_BODY) { reject(new HttpError(413, `body over ${MAX_BODY} bytes`)); req.destroy(); return; }
      chunks.push(chunk);
    });
    req.on('end', () => {
      const text = Buffer.concat(chunks).toString('utf8');
      if (text.trim() === '') return resolve({});
      try { resolve(JSON.parse(text)); } catch (error) { reject(new HttpError(400, `body is not JSON: ${error.message}`)); }
    });
    req.on('error', reject);
  });
}

module.exports = { createService, HttpError };
