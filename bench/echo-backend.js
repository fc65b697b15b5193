// A stand-in service instance for router tests and benchmarks: answers every request with
// 200 and "<name> <path>", prints its port on stdout once listening (port 0 = any free port).
'use strict';
const http = require('http');
const [port = '0', name = 'backend'] = process.argv.slice(2);
const server = http.createServer((req, res) => {
  const body = `${name} ${req.url}\n`;
  res.writeHead(200, { 'content-type': 'text/plain', 'content-length': Buffer.byteLength(body) });
  res.end(body);
});
server.keepAliveTimeout = 65000;
server.listen(Number(port), '127.0.0.1', () => console.log(server.address().port));
process.on('SIGTERM', () => server.close(() => process.exit(0)));
