import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createJobMeter, newJobId } from './job-meter.ts';

test('rate and ETA over the moving window', () => {
  const m = createJobMeter();
  const a = m.update(0, 1000, 0);
  assert.equal(a.rate, 0);
  assert.equal(a.eta, -1);
  const b = m.update(100, 1000, 1000);
  assert.equal(b.rate, 100);
  assert.equal(b.eta, 9);
  assert.equal(b.fraction, 0.1);
  const done = m.update(1000, 1000, 2000);
  assert.equal(done.eta, 0);
  assert.equal(done.fraction, 1);
});

test('a stall lowers the rate once old samples leave the window', () => {
  const m = createJobMeter();
  m.update(0, 10_000, 0);
  m.update(5000, 10_000, 1000);
  let p = m.update(5000, 10_000, 2000);
  for (let t = 3000; t <= 12_000; t += 1000) p = m.update(5000, 10_000, t);
  assert.equal(p.rate, 0);
  assert.equal(p.eta, -1);
});

test('job ids match the contract', () => {
  for (let i = 0; i < 50; i++) assert.match(newJobId('create'), /^[A-Za-z0-9_-]{1,128}$/);
});
