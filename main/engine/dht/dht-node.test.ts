// Two DhtNodes on loopback with no bootstrap beyond each other: an announce from one is found by a
// lookup on the other; the routing table and node id survive a restart. No reference tools needed.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DhtNode } from './dht-node.ts';
import { waitUntil } from '../../test-support/engine-fixtures.ts';

test('dht: announce on one node, lookup on another, table saved and restored', { timeout: 30_000 }, async () => {
  const dir = await mkdtemp(join(tmpdir(), 'tessera-dhtnode-'));
  const a = await DhtNode.start({ port: 0, host: '127.0.0.1', bootstrap: [], stateFile: join(dir, 'a.json') });
  let b = await DhtNode.start({ port: 0, host: '127.0.0.1', bootstrap: [`127.0.0.1:${a.port}`], stateFile: join(dir, 'b.json') });
  try {
    await waitUntil(() => a.nodeCount > 0 && b.nodeCount > 0, 10_000, 'the two nodes to know each other');
    const ih = new Uint8Array(20).fill(0x5a);
    await a.lookupAndAnnounce(ih, 4321);
    const found: Array<{ ih: string; port: number }> = [];
    b.on('peer', (h, _host, port) => found.push({ ih: h, port }));
    await b.lookupAndAnnounce(ih, 0);
    await waitUntil(() => found.some((f) => f.ih === '5a'.repeat(20) && f.port === 4321), 10_000, 'b to find a\'s announce');

    const id = b.nodeId;
    await b.close();
    const saved = JSON.parse(await readFile(join(dir, 'b.json'), 'utf8')) as { nodeId: string; nodes: Array<{ port: number }> };
    assert.equal(saved.nodeId, id);
    assert.ok(saved.nodes.some((n) => n.port === a.port));
    b = await DhtNode.start({ port: 0, host: '127.0.0.1', bootstrap: [], stateFile: join(dir, 'b.json') });
    assert.equal(b.nodeId, id);
    await waitUntil(() => b.nodeCount > 0, 10_000, 'the restored table');

    // A damaged state file is ignored, not fatal.
    await writeFile(join(dir, 'c.json'), '{"nodeId": 5, "nodes": "x"');
    const c = await DhtNode.start({ port: 0, host: '127.0.0.1', bootstrap: [], stateFile: join(dir, 'c.json') });
    assert.equal(c.nodeCount, 0);
    await c.close();
  } finally {
    await b.close();
    await a.close();
    await rm(dir, { recursive: true, force: true });
  }
});
