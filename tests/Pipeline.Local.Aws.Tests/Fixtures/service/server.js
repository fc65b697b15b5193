// A tiny service for fleet and target-group tests: health can be flipped, the process can be
// crashed or slowed, and SIGTERM is handled gracefully.
const http = require('http');

let healthCode = 200;
let healthDelayMs = 0;
let healthChecks = 0;

const server = http.createServer((req, res) => {
  const url = new URL(req.url, 'http://localhost');
  const reply = (code, body) => { res.writeHead(code, { 'content-type': 'text/plain' }); res.end(body); };
  switch (url.pathname) {
    case '/health':
      healthChecks++;
      setTimeout(() => reply(healthCode, 'health ' + healthCode), healthDelayMs);
      break;
    case '/health-checks':
      reply(200, String(healthChecks));
      break;
    case '/set-health':
      healthCode = Number(url.searchParams.get('code') || 200);
      healthDelayMs = Number(url.searchParams.get('delay') || 0);
      reply(200, 'ok');
      break;
    case '/version':
      reply(200, `${process.env.PIPELINE_SERVICE} ${process.env.PIPELINE_VERSION} ${process.env.PIPELINE_INSTANCE_ID}`);
      break;
    case '/env':
      reply(200, process.env[url.searchParams.get('name')] ?? '(unset)');
      break;
    case '/crash':
      reply(200, 'crashing');
      setTimeout(() => process.exit(3), 10);
      break;
    default:
      reply(404, 'not found');
  }
});

process.on('SIGTERM', () => {
  console.log('graceful shutdown');
  server.close(() => process.exit(0));
});

server.listen(Number(process.env.PORT), process.env.HOST, () => console.log('listening on ' + process.env.PORT));
