// Session.setDht: the app's DHT toggle at run time — on, restarted with new options, off — with
// only loopback nodes, and the routing table saved when it stops.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DhtNode } from './dht/dht-node.ts';
import { waitUntil } from '../test-support/engine-fixtures.ts';
import { Session } from './session.ts';
import type { SessionDht } from './session-dht.ts';

test('setDht starts, restarts and stops the DHT; concurrent calls leave one node', { timeout: 30_000 }, async () => {
  const dir = await mkdtemp(join(tmpdir(), 'tessera-setdht-'));
  const boot = await DhtNode.start({ port: 0, host: '127.0.0.1', bootstrap: [] });
  const s = await Session.open({ stateDir: join(dir, 'state'), listenHost: '127.0.0.1', settings: { listenPort: 0, utp: false } });
  // A getter call each time: TypeScript would otherwise keep s.dht narrowed across the awaits.
  const dht = (): SessionDht | undefined => s.dht;
  try {
    assert.equal(dht(), undefined, 'off unless asked');
    await s.setDht({ host: '127.0.0.1', port: 0, bootstrap: [`127.0.0.1:${boot.port}`] });
    const first = dht();
    assert.ok(first !== undefined);
    await waitUntil(() => first.node.nodeCount > 0, 10_000, 'the session DHT to bootstrap from the local node');
    const id = first.node.nodeId;
    // Quick off/on/restart, as a user clicking in the dialog: serialised, one node at the end.
    const calls = [s.setDht(null), s.setDht({ host: '127.0.0.1', port: 0, bootstrap: [] }), s.setDht({ host: '127.0.0.1', port: 0, bootstrap: [`127.0.0.1:${boot.port}`] })];
    await Promise.all(calls);
    const now = dht();
    assert.ok(now !== undefined && now !== first);
    assert.equal(now.node.nodeId, id, 'the node id is restored from dht.json');
    await s.setDht(null);
    assert.equal(dht(), undefined);
    const saved = JSON.parse(await readFile(join(dir, 'state', 'dht.json'), 'utf8')) as { nodeId: string };
    assert.equal(saved.nodeId, id);
  } finally {
    await s.close();
    await boot.close();
    await rm(dir, { recursive: true, force: true });
  }
});
