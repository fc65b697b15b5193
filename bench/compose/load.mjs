// The load generator of bench/compose.sh, for its fixed offered rate. autocannon's --overallRate
// cannot be used against this stack: HAProxy closes every client connection after its response
// (`Connection: close` on every response), and autocannon writes its next request on that closing connection, counts
// it against the second's quota, loses it, and leaves it in its queue, so it offers half the rate
// and times later responses from those lost requests (seconds of "latency" at ~505 req/s).
//
//   node load.mjs URL SECONDS RATE     open loop: RATE requests/s on schedule, whatever is in flight;
//                                      latency from each request's scheduled time (no coordinated omission)
//   node load.mjs URL SECONDS 0 C      closed loop: C requests always in flight (saturation)
//   node load.mjs "URL1 URL2" ...      each request is one call to each URL, all at once: its latency is the
//                                      slower call's, 2xx when every call is, an error when any call failed
//
// Prints one JSON object: offered and achieved rates, p50/p90/p99/max in ms (microsecond resolution),
// counts of 2xx, non-2xx, errors, requests not sent because MAX_IN_FLIGHT were still open, and the
// share of one core the generator used.
import http from 'node:http';
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
const hdr = require('hdr-histogram-js');

const [url, secondsArg, rateArg, concurrencyArg] = process.argv.slice(2);
const urls = (url ?? '').split(' ').filter(Boolean);
const seconds = Number(secondsArg);
const rate = Number(rateArg ?? 0);
const concurrency = Number(concurrencyArg ?? 50);
const MAX_IN_FLIGHT = 4000;
if (urls.length === 0 || !(seconds > 0) || !(rate >= 0) || (rate === 0 && !(concurrency > 0))) {
  console.error('usage: node load.mjs URL SECONDS RATE | node load.mjs URL SECONDS 0 CONCURRENCY');
  process.exit(2);
}

// Keep-alive where the server allows it; a response with Connection: close closes its socket.
const agent = new http.Agent({ keepAlive: true, maxSockets: Infinity });
const histogram = hdr.build({ lowestDiscernibleValue: 1, highestTrackableValue: 120_000_000, numberOfSignificantValueDigits: 3 });
const counts = { sent: 0, ok: 0, non2xx: 0, errors: 0, skipped: 0 };
let inFlight = 0;
const nowUs = () => Number(process.hrtime.bigint() / 1000n);
const start = nowUs();
const end = start + seconds * 1e6;
let finished = 0;
let done;
const allDone = new Promise((resolve) => { done = resolve; });

function send(scheduledUs, onEnd) {
  counts.sent++;
  inFlight++;
  let pending = urls.length;
  let allOk = true;
  let worst = 0;
  const finishCall = (ok, status) => {
    allOk &&= ok;
    if (ok && (worst === 0 || (worst >= 200 && worst < 300))) worst = status;
    if (--pending === 0) finish(allOk, worst);
  };
  const finish = (ok, status) => {
    inFlight--;
    finished = nowUs();
    histogram.recordValue(Math.max(1, finished - scheduledUs));
    if (!ok) counts.errors++;
    else if (status >= 200 && status < 300) counts.ok++;
    else counts.non2xx++;
    onEnd?.();
    if (inFlight === 0 && finished >= end) done();
  };
  for (const target of urls) {
    let settled = false;
    const once = (ok, status) => { if (!settled) { settled = true; finishCall(ok, status); } };
    const req = http.get(target, { agent }, (res) => {
      res.on('data', () => {});
      res.on('end', () => once(true, res.statusCode));
      res.on('error', () => once(false));
    });
    req.on('error', () => once(false));
    req.setTimeout(30_000, () => req.destroy(new Error('timeout')));
  }
}

if (rate > 0) {
  // Each tick sends every request whose time has come, stamped with the time it was due.
  const intervalUs = 1e6 / rate;
  let next = start;
  const timer = setInterval(() => {
    const now = Math.min(nowUs(), end);
    for (; next < now; next += intervalUs) {
      if (inFlight >= MAX_IN_FLIGHT) counts.skipped++;
      else send(next);
    }
    if (now >= end) {
      clearInterval(timer);
      if (inFlight === 0) done();
    }
  }, 1);
} else {
  const loop = () => { if (nowUs() < end) send(nowUs(), loop); };
  for (let i = 0; i < concurrency; i++) loop();
}

await allDone;
agent.destroy();
const elapsed = (Math.max(finished, end) - start) / 1e6;
const cpu = process.cpuUsage();
const ms = (us) => Math.round(us) / 1000;
console.log(JSON.stringify({
  url, seconds, offered: rate || null, concurrency: rate ? null : concurrency,
  achieved: (counts.ok + counts.non2xx) / elapsed,
  latency: { p50: ms(histogram.getValueAtPercentile(50)), p90: ms(histogram.getValueAtPercentile(90)),
    p99: ms(histogram.getValueAtPercentile(99)), max: ms(histogram.maxValue) },
  '2xx': counts.ok, non2xx: counts.non2xx, errors: counts.errors, skipped: counts.skipped,
  // Whether the generator itself was the limit: its share of one core (it is single-threaded).
  clientCore: (cpu.user + cpu.system) / 1e6 / elapsed,
}));
