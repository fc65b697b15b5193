'use strict';
// The echo service: /status for the health check, /version (also under the route prefix, so it
// can be asked through HAProxy) and /echo/* answering what it was asked.
const http = require('node:http');

// bench/push-to-live.sh rewrites this line in each commit it pushes.
const revision = 0;

function createServer({ version }) {
  return http.createServer((req, res) => {
    const send = (status, body) => {
      res.writeHead(status, { 'content-type': 'application/json' });
      res.end(JSON.stringify(body));
    };
    const path = new URL(req.url, 'http://local').pathname;
    if (path === '/status') return send(200, { status: 'ok', service: 'echo' });
    if (path === '/version' || path === '/echo/version') return send(200, { service: 'echo', version, revision });
    if (path.startsWith('/echo')) return send(200, { method: req.method, path });
    return send(404, { error: `no route for ${path}` });
  });
}

if (require.main === module) {
  const port = Number(process.env.PORT || 8080);
  createServer({ version: process.env.PIPELINE_VERSION || 'dev' })
    .listen(port, '127.0.0.1', () => console.log(`echo listening on ${port}`));
}

module.exports = { createServer };
