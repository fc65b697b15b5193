// A stand-in service instance for router tests and benchmarks: answers every request with
// 200 and "<name> <path>", prints its port on stdout once listening (port 0 = any free port).
// An optional third argument delays every answer by that many milliseconds, so that requests are
// in flight when a test kills the backend.
'use strict';
const http = require('http');
const [port = '0', name = 'backend', delay = '0'] = process.argv.slice(2);
const server = http.createServer((req, res) => {
  const body = `${name} ${req.url}\n`;
  const answer = () => {
    res.writeHead(200, { 'content-type': 'text/plain', 'content-length': Buffer.byteLength(body) });
    res.end(body);
  };
  req.resume();
  req.on('end', () => (Number(delay) > 0 ? setTimeout(answer, Number(delay)) : answer()));
});
server.keepAliveTimeout = 65000;
server.listen(Number(port), '127.0.0.1', () => console.log(server.address().port));
process.on('SIGTERM', () => server.close(() => process.exit(0)));
