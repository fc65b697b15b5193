// Writes the scaler benchmark traces (minute,read,write in units per second) deterministically:
// every random number comes from a seeded mulberry32 generator, so the same seed gives the same
// files on every machine. Usage: node bench/traces/generate.mjs [OUT_DIR]
import { writeFileSync, mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const DAYS = 2;
const MINUTES = DAYS * 24 * 60;
const out = process.argv[2] ?? dirname(fileURLToPath(import.meta.url));

function mulberry32(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

// Multiplicative noise: real traffic is never flat.
function noisy(rand, value, spread) {
  const u = rand() + rand() + rand() - 1.5; // roughly normal, sd 0.5
  return Math.max(0, value * (1 + spread * u));
}

function write(name, read, writeRatio, seed) {
  const rand = mulberry32(seed);
  const rows = ['minute,read,write'];
  for (let m = 0; m < MINUTES; m++) {
    const r = noisy(rand, read[m], 0.08);
    const w = noisy(rand, read[m] * writeRatio, 0.08);
    rows.push(`${m},${r.toFixed(2)},${w.toFixed(2)}`);
  }
  mkdirSync(out, { recursive: true });
  writeFileSync(join(out, `${name}.csv`), rows.join('\n') + '\n');
}

// Levels held for 2 to 6 hours, jumping anywhere between 40 and 1200 units/s.
function step(rand) {
  const read = new Array(MINUTES);
  let level = 200;
  let until = 0;
  for (let m = 0; m < MINUTES; m++) {
    if (m >= until) {
      level = 40 + Math.round(rand() * 1160);
      until = m + 120 + Math.floor(rand() * 240);
    }
    read[m] = level;
  }
  return read;
}

// A steady 150 units/s with spikes of 3x to 10x lasting 1 to 12 minutes, every 20 minutes to 3 hours.
function spike(rand) {
  const read = new Array(MINUTES).fill(150);
  let m = 30;
  while (m < MINUTES) {
    const length = 1 + Math.floor(rand() * 12);
    const height = 3 + rand() * 7;
    for (let i = m; i < Math.min(MINUTES, m + length); i++) read[i] = 150 * height;
    m += 20 + Math.floor(rand() * 160);
  }
  return read;
}

// A day-night cycle from 60 to 900 units/s, peaking mid-afternoon UTC, with a lunch bump.
function diurnal() {
  const read = new Array(MINUTES);
  for (let m = 0; m < MINUTES; m++) {
    const hour = (m / 60) % 24;
    const day = 0.5 - 0.5 * Math.cos(((hour - 3) / 24) * 2 * Math.PI);
    const lunch = Math.exp(-(((hour - 12.5) / 0.75) ** 2)) * 0.25;
    read[m] = 60 + 840 * Math.min(1, day ** 1.5 + lunch);
  }
  return read;
}

// A batch queue: load climbs from 50 to 300..800 units/s over 40 to 120 minutes, then falls at once.
function sawtooth(rand) {
  const read = new Array(MINUTES);
  let m = 0;
  while (m < MINUTES) {
    const rise = 40 + Math.floor(rand() * 80);
    const top = 300 + rand() * 500;
    for (let i = 0; i < rise && m < MINUTES; i++, m++) read[m] = 50 + ((top - 50) * i) / rise;
    const rest = 10 + Math.floor(rand() * 40);
    for (let i = 0; i < rest && m < MINUTES; i++, m++) read[m] = 50;
  }
  return read;
}

// A quiet 80 units/s; three times a day a crowd arrives within 2 minutes (15x to 40x) and
// leaves with a half-life of 15 to 60 minutes.
function flashCrowd(rand) {
  const read = new Array(MINUTES).fill(80);
  for (let day = 0; day < DAYS; day++) {
    for (let k = 0; k < 3; k++) {
      const start = day * 1440 + k * 480 + 60 + Math.floor(rand() * 360);
      const height = 80 * (15 + rand() * 25);
      const halfLife = 15 + rand() * 45;
      for (let i = 0; start + i < MINUTES && i < 600; i++) {
        const ramp = Math.min(1, (i + 1) / 2);
        const extra = (height - 80) * ramp * Math.pow(0.5, Math.max(0, i - 2) / halfLife);
        read[start + i] = Math.max(read[start + i], 80 + extra);
      }
    }
  }
  return read;
}

write('step', step(mulberry32(11)), 0.25, 111);
write('spike', spike(mulberry32(22)), 0.2, 222);
write('diurnal', diurnal(), 0.3, 333);
write('sawtooth', sawtooth(mulberry32(44)), 0.5, 444);
write('flash-crowd', flashCrowd(mulberry32(55)), 0.1, 555);
