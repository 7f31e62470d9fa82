import { test } from 'node:test';
import assert from 'node:assert/strict';
import { encodeDetail, decodeDetail } from '../../shared/snapshot-codec.ts';
import { applyDetail, applyTorrentsUpdate, clickRow } from '../store/actions.ts';
import { createAppStore } from '../store/state.ts';
import { SyntheticFeed } from './synthetic-feed.ts';

test('the benchmark feed is deterministic, well-formed and round-trips through the detail codec', () => {
  const a = new SyntheticFeed({ torrents: 200, bigPieces: 5000, seed: 7 });
  const b = new SyntheticFeed({ torrents: 200, bigPieces: 5000, seed: 7 });
  assert.deepEqual(a.initial(), b.initial());
  const t = a.tick();
  assert.equal(t.detail.availability.length, 5000);
  assert.equal(t.detail.have.length, Math.ceil(5000 / 8));
  assert.ok(t.update.changed.length > 0 && t.update.changed.length < 200);
  const back = decodeDetail(encodeDetail(t.detail));
  assert.deepEqual(back.availability, t.detail.availability);
  assert.deepEqual(back.peers, t.detail.peers);

  const store = createAppStore();
  applyTorrentsUpdate(store, a.initial());
  clickRow(store, a.bigId);
  applyDetail(store, back);
  assert.equal(store.getState().torrents.size, 200);
  assert.equal(store.getState().detail?.id, a.bigId);
});
